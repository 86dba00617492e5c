package io.orderpipeline.e2e;

import java.nio.charset.StandardCharsets;

/** One record as written to an input topic, with where it landed: what the expected outputs are computed from. */
public record InputRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String valueString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " ts=" + timestamp + " key=" + keyString() + " value=" + valueString();
    }
}
