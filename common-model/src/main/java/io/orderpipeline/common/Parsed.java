package io.orderpipeline.common;

import java.util.Arrays;
import java.util.Objects;

/**
 * A valid value together with the exact bytes it was read from. Its serde
 * ({@link JsonSerde#parsed(Class)}) writes those bytes back as they are, so a service that passes
 * a record on unchanged (order-filter's output, every repartition topic) neither spends a JSON
 * write on it nor changes a byte of it. The bytes are not to be modified.
 */
public record Parsed<T>(T value, byte[] bytes) {

    public Parsed {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Parsed<?> that && value.equals(that.value) && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * value.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Parsed[" + value + "]";
    }
}
