package io.orderpipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Topics;
import io.orderpipeline.generator.*;
import io.orderpipeline.launch.ClusterReader;
import java.io.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;

/**
 * The backlog every throughput measurement drains, written once before any service starts (benchmarks/README.md, Preload);
 * also what product-revenue must count from it, and the check of what it did count.
 */
final class Preload {

    static final Duration SPAN = Duration.ofHours(24);
    private static final long HOUR = Duration.ofHours(1).toMillis();

    /** What was written, with each order's timestamp and partition (in the order sent) for {@link #expectedRevenue}. */
    record Result(long orders, long customerRecords, double avgOrderBytes, Map<TopicPartition, Long> ordersEnd,
            Map<TopicPartition, Long> customersEnd, Duration elapsed, long[] orderTimes, int[] orderPartitions) { }

    /** product-revenue's orders counted in windows and on the late topic, from its output or expected from the input. */
    record Revenue(long counted, long expectedCounted, long late, long expectedLate, long windows) {
        boolean exact() {
            return counted == expectedCounted && late == expectedLate;
        }
    }

    static Result run(ClusterReader cluster, long count, int customers, int products) {
        GeneratorOptions options = GeneratorOptions.defaults(42).withCustomers(customers).withProducts(products).withCount(count)
                .withStartTime(Instant.now().minus(SPAN)).withEventRate(count / (double) SPAN.toSeconds());
        cluster.logEndOffsets(Topics.ORDERS.name()); // every partition has its leader (listOffsets waits): an idempotent producer's first
        cluster.logEndOffsets(Topics.CUSTOMERS.name()); // send refused as not leader got stuck on OUT_OF_ORDER_SEQUENCE_NUMBER once
        long start = System.nanoTime();
        long[] times = new long[Math.toIntExact(count)];
        int[] partitions = new int[times.length];
        int orders = 0;
        long customerRecords = 0;
        long bytes = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Producer<String, byte[]> producer = GeneratorProducer.producer(GeneratorProducer.producerProperties(cluster.bootstrap(),
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, "262144", ProducerConfig.LINGER_MS_CONFIG, "50", ProducerConfig.CLIENT_ID_CONFIG,
                        "bench-preload")))) {
            for (GeneratedRecord record : new DataGenerator(options)) {
                byte[] value = record.value();
                int at = record.kind() == GeneratedRecord.Kind.ORDER ? orders++ : -1;
                if (at >= 0) {
                    ObjectNode order = (ObjectNode) json(value);
                    order.remove("created_at"); // the record timestamp says it
                    value = Json.MAPPER.writeValueAsBytes(order);
                    times[at] = record.timestamp();
                    bytes += value.length;
                } else if (record.isOrderSlot()) {
                    throw new IllegalStateException("the preload has no bad records: " + record);
                } else {
                    customerRecords++;
                }
                producer.send(new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else if (at >= 0) {
                        partitions[at] = metadata.partition();
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (failure.get() != null) { // every send has completed: the producer is closed
            throw new IllegalStateException("preloading failed: " + failure.get(), failure.get());
        }
        Result result = new Result(orders, customerRecords, bytes / (double) orders,
                cluster.logEndOffsets(Topics.ORDERS.name()), cluster.logEndOffsets(Topics.CUSTOMERS.name()),
                Duration.ofNanos(System.nanoTime() - start), times, partitions);
        System.out.printf("  %,d orders (avg %.0f bytes) and %,d customer records in %.1f s%n", orders, result.avgOrderBytes(),
                customerRecords, result.elapsed().toMillis() / 1000.0);
        return result;
    }

    /**
     * What product-revenue must have counted once it drained the input, from the input alone, by the rule of benchmarks/README.md
     * ("product-revenue counts every order": the low watermark, late orders). Returns {counted, late}.
     */
    static long[] expectedRevenue(Result input, long graceMs) {
        long[] highest = new long[input.ordersEnd().size()];
        Arrays.fill(highest, Long.MIN_VALUE);
        boolean[] late = new boolean[input.orderTimes().length];
        long lateOrders = 0;
        for (int i = 0; i < late.length; i++) { // in the order sent: the order of the offsets in each partition
            int p = input.orderPartitions()[i];
            late[i] = close(input.orderTimes()[i], graceMs) <= highest[p];
            lateOrders += late[i] ? 1 : 0;
            highest[p] = Math.max(highest[p], input.orderTimes()[i]);
        }
        long low = Arrays.stream(highest).min().orElse(Long.MIN_VALUE);
        long counted = 0;
        for (int i = 0; i < late.length; i++) {
            counted += !late[i] && close(input.orderTimes()[i], graceMs) <= low ? 1 : 0;
        }
        return new long[] {counted, lateOrders};
    }

    private static long close(long time, long graceMs) {
        return Math.floorDiv(time, HOUR) * HOUR + HOUR + graceMs;
    }

    /**
     * Reads read_committed what product-revenue wrote after {@code from}: the sum of "orders" over its hourly windows, and
     * on the late topic a late order as 1, a late partial sum as its "orders"; against {@link #expectedRevenue}.
     */
    static Revenue checkRevenue(ClusterReader cluster, Map<TopicPartition, Long> from, long[] expected) {
        long counted = 0;
        long windows = 0;
        long late = 0;
        for (String topic : List.of(Topics.PRODUCT_REVENUE_HOURLY.name(), Topics.PRODUCT_REVENUE_LATE.name())) {
            for (ConsumerRecord<byte[], byte[]> record : cluster.readAll(topic)) {
                if (record.offset() >= from.get(new TopicPartition(topic, record.partition()))) {
                    JsonNode value = json(record.value());
                    if (topic.equals(Topics.PRODUCT_REVENUE_HOURLY.name())) {
                        counted += value.get("orders").asLong();
                        windows++;
                    } else {
                        late += value.has("order_id") ? 1 : value.get("orders").asLong();
                    }
                }
            }
        }
        return new Revenue(counted, expected[0], late, expected[1], windows);
    }

    static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
