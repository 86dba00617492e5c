package io.orderpipeline.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Helpers for tests on a {@link TopologyTestDriver}: a fixed base instant, typed and raw-bytes topics,
 * strict JSON, dead-letter checks. The driver itself, with a service's real configuration:
 * service-runtime's {@code TestDrivers}.
 */
public final class TestDriverSupport {

    /** A fixed instant for tests: 2026-11-24T10:15:00Z. */
    public static final Instant BASE = Instant.parse("2026-11-24T10:15:00Z");

    /**
     * A strict JSON parser of the tests' own, not the services' mapper: standard JSON in UTF-8, one
     * value, each name once in an object (duplicate names are an error), decimals exact.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder(new JsonFactoryBuilder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(JsonFactory.Feature.CHARSET_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** Compares JSON trees with numbers by value ({@code 1.5e2} is {@code 150}, {@code 149.990} is {@code 149.99}). */
    public static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue())
            : a.equals(b) ? 0 : 1;

    private TestDriverSupport() {
    }

    /** {@code json} read by {@link #STRICT}; an assertion error saying why when it is not valid JSON with each name once. */
    public static JsonNode strictJson(byte[] json) {
        try {
            return STRICT.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not strict JSON (" + e.getMessage() + "): " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    /** Whether two JSON trees are the same, numbers compared by value. */
    public static boolean sameJson(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    /** The message {@code topic}'s value serde fails {@code value} with: what every service's dead-letter header says. */
    public static String reason(Topic<?, ?> topic, byte[] value) {
        try {
            topic.valueSerde().deserializer().deserialize(topic.name(), value);
        } catch (SerializationException e) {
            return e.getMessage();
        }
        throw new AssertionError(topic + " accepts a value meant to be bad: " + (value == null ? null : new String(value, StandardCharsets.UTF_8)));
    }

    public static <K, V> TestInputTopic<K, V> input(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), BASE, java.time.Duration.ZERO);
    }

    public static <K, V> TestOutputTopic<K, V> output(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /** Raw bytes into a topic: for values that are not valid records. */
    public static TestInputTopic<byte[], byte[]> rawInput(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer(), BASE, java.time.Duration.ZERO);
    }

    /** Raw bytes out of a topic: the dead-letter topic, say. */
    public static TestOutputTopic<byte[], byte[]> rawOutput(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** One of a service's repartition topics, raw: {@code <service>-<name>-repartition}. */
    public static TestOutputTopic<byte[], byte[]> repartition(TopologyTestDriver driver, String service, String name) {
        return rawOutput(driver, service + "-" + name + "-repartition");
    }

    /** An order value as a producer might write it: spacing, field order, trailing zeros and an extra field of its own. */
    public static String unusualOrderJson(long orderId, long customerId, String product) {
        return "{ \"product\": \"" + product + "\", \"amount\": 10.50, \"customer_id\": " + customerId
                + ", \"order_id\": " + orderId + ", \"x\": [1] }";
    }

    /**
     * Checks a dead-letter record: the bad record's key and value bytes unchanged, headers naming
     * where it came from (partition 0 in a test driver) and an error message starting with {@code error}.
     */
    public static void assertDeadLetter(TestRecord<byte[], byte[]> dead, String what, byte[] key, byte[] value,
                                        String topic, long offset, String error) {
        assertThat(dead.key()).as(what).isEqualTo(key);
        assertThat(dead.value()).as(what).isEqualTo(value);
        assertThat(header(dead.headers(), "__streams.errors.topic")).as(what).isEqualTo(topic);
        assertThat(header(dead.headers(), "__streams.errors.partition")).as(what).isEqualTo("0");
        assertThat(header(dead.headers(), "__streams.errors.offset")).as(what).isEqualTo(String.valueOf(offset));
        assertThat(header(dead.headers(), "__streams.errors.message")).as(what).startsWith(error);
    }

    public static String header(Iterable<Header> headers, String key) {
        for (Header header : headers) {
            if (header.key().equals(key)) {
                return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until {@code condition} holds, checking every 100 ms; fails the test after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Closes each resource that is not null, in order, all of them even if one fails; then throws the first failure. */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
