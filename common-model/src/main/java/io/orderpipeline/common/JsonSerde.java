package io.orderpipeline.common;

import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for one record type over the shared {@link Json#MAPPER}. Null in, null out, unless
 * built with {@link #nonNull(Class)}, where a null value is a bad record. A value that cannot be
 * read as the type (not well-formed UTF-8, not JSON, not valid by the type's own rules) is a
 * {@link SerializationException} naming the type and the reason, which the streams app's
 * deserialization exception handler sends to the dead-letter topic (the reason in its headers).
 */
public final class JsonSerde {

    private JsonSerde() {
    }

    /** A serde where null (a tombstone) passes through as null. */
    public static <T> Serde<T> of(Class<T> type) {
        return Serdes.serdeFrom(serializer(type), deserializer(type, true));
    }

    /** A serde where a null value is invalid. */
    public static <T> Serde<T> nonNull(Class<T> type) {
        return Serdes.serdeFrom(serializer(type), deserializer(type, false));
    }

    /**
     * A serde of {@link Parsed} values: read like {@link #nonNull(Class)} (the same errors), and
     * written as the bytes they were read from, without a JSON write.
     */
    public static <T> Serde<Parsed<T>> parsed(Class<T> type) {
        Deserializer<T> values = deserializer(type, false);
        return Serdes.serdeFrom((topic, parsed) -> parsed == null ? null : parsed.bytes(),
                (topic, bytes) -> new Parsed<>(values.deserialize(topic, bytes), bytes));
    }

    private static <T> Serializer<T> serializer(Class<T> type) {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return Json.MAPPER.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("Cannot write " + type.getSimpleName() + " as JSON: " + e.getMessage(), e);
            }
        };
    }

    private static <T> Deserializer<T> deserializer(Class<T> type, boolean nullAllowed) {
        ObjectReader reader = Json.MAPPER.readerFor(type); // resolved once, not per record
        Function<byte[], T> streaming = streamingReader(type);
        return (topic, bytes) -> {
            if (bytes == null) {
                if (nullAllowed) {
                    return null;
                }
                throw new SerializationException("Invalid " + type.getSimpleName() + ": null value");
            }
            if (!isUtf8(bytes)) {
                throw new SerializationException("Invalid " + type.getSimpleName() + ": not valid UTF-8");
            }
            T read = streaming.apply(bytes);
            if (read != null) {
                return read;
            }
            try {
                T value = reader.readValue(bytes);
                if (value == null) {
                    throw new SerializationException("Invalid " + type.getSimpleName() + ": JSON null");
                }
                return value;
            } catch (IOException e) {
                throw new SerializationException("Invalid " + type.getSimpleName() + ": " + firstLine(e), e);
            }
        };
    }

    /** Orders' streaming reader ({@link OrderReader}); for other types, none: databind reads every value. */
    @SuppressWarnings("unchecked")
    private static <T> Function<byte[], T> streamingReader(Class<T> type) {
        return type == Order.class ? bytes -> (T) OrderReader.read(bytes) : bytes -> null;
    }

    /**
     * Whether {@code bytes} are well-formed UTF-8, by the JDK's decoder: Jackson's parser lets
     * overlong forms ({@code C0 AF} for '/') and code points past U+10FFFF through.
     */
    static boolean isUtf8(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return true; // the common case, without a decoder and a char buffer per record
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String firstLine(IOException e) {
        Throwable cause = e;
        while (cause.getCause() instanceof IllegalArgumentException) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
