package io.orderpipeline.generator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record to produce: topic, key, value bytes (null for a tombstone or a null-value bad order)
 * and timestamp (event time, epoch millis).
 */
public record GeneratedRecord(Kind kind, String topic, String key, byte[] value, long timestamp) {

    public enum Kind {
        /** A customer written once at the start, before any order. */
        CUSTOMER,
        /** A later change of a customer (rename, move, segment change), or a tombstone deleting it. */
        CUSTOMER_UPDATE,
        /** A valid order. */
        ORDER,
        /** A bad record in place of an order: it fails the orders value serde. */
        BAD_ORDER
    }

    public boolean isOrderSlot() {
        return kind == Kind.ORDER || kind == Kind.BAD_ORDER;
    }

    /** The value as UTF-8 text, or null. */
    public String valueText() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratedRecord r && kind == r.kind && topic.equals(r.topic) && Objects.equals(key, r.key)
                && Arrays.equals(value, r.value) && timestamp == r.timestamp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, topic, key, Arrays.hashCode(value), timestamp);
    }

    @Override
    public String toString() {
        return kind + " " + topic + " " + key + " @" + timestamp + " " + valueText();
    }
}
