package io.orderpipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether one product-revenue run counted every order it had to: the sum of "orders" over what it
 * wrote to {@code product-revenue-hourly}, and the orders it wrote to {@code product-revenue-late}
 * (a late order: 1; a late partial sum: its "orders"), both read {@code read_committed} from the
 * offsets before it started, against {@link Preload.Result#revenue} (the input alone).
 */
final class RevenueCheck {

    static final String HOURLY = Topics.PRODUCT_REVENUE_HOURLY.name();
    static final String LATE = Topics.PRODUCT_REVENUE_LATE.name();

    /** One run's figures: from the output, and expected from the input. */
    record Result(long counted, long expectedCounted, long late, long expectedLate, long windows) {

        boolean exact() {
            return counted == expectedCounted && late == expectedLate;
        }

        String line() {
            return String.format("orders counted in windows %,d (%,d windows), expected from the input %,d; on %s %,d, expected %,d: %s",
                    counted, windows, expectedCounted, LATE, late, expectedLate, exact() ? "equal" : "MISMATCH");
        }
    }

    private RevenueCheck() {
    }

    /** Both topics' end offsets now: a run's output starts there. */
    static Map<TopicPartition, Long> marks(Cluster cluster) {
        Map<TopicPartition, Long> marks = new java.util.HashMap<>(cluster.endOffsets(HOURLY));
        marks.putAll(cluster.endOffsets(LATE));
        return marks;
    }

    /** Reads what was written after {@code from} (the service stopped) and compares it with {@code expected}. */
    static Result check(Cluster cluster, Map<TopicPartition, Long> from, Preload.Revenue expected) {
        Map<TopicPartition, Long> to = cluster.stableOffsets(List.copyOf(from.keySet()));
        long[] hourly = new long[2]; // orders, windows
        long[] late = new long[1];
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (to.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + HOURLY + " and " + LATE + " up to " + to);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = json(record.value());
                    if (record.topic().equals(HOURLY)) {
                        hourly[0] += value.get("orders").asLong();
                        hourly[1]++;
                    } else {
                        late[0] += value.has("order_id") ? 1 : value.get("orders").asLong();
                    }
                }
            }
        }
        return new Result(hourly[0], expected.counted(), late[0], expected.late(), hourly[1]);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
