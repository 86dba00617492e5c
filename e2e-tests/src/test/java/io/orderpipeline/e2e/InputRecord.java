package io.orderpipeline.e2e;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * One record as written to an input topic, with where it landed and the headers it was written
 * with: what the expected outputs are computed from.
 */
public record InputRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public InputRecord {
        headers = List.copyOf(headers);
    }

    /** A record written without headers. */
    public InputRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this(topic, partition, offset, timestamp, key, value, List.of());
    }

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
