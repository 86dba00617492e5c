package io.orderpipeline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Topics;
import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratedRecord;
import io.orderpipeline.generator.GeneratorOptions;
import io.orderpipeline.generator.GeneratorProducer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Fills {@code orders} and {@code customers} with the data generator's realistic records, once,
 * before any measurement, as a backlog a real producer left: large batches, event times ascending
 * over {@link #SPAN} (the generator's order: ascending in every partition too). Every run then
 * drains the same records.
 */
final class Preload {

    static final Duration SPAN = Duration.ofHours(24);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** The preload's producer: the generator's settings (idempotent, acks=all, lz4) with a real backlog's batches. */
    static final Map<String, String> PRODUCER = Map.of(ProducerConfig.BATCH_SIZE_CONFIG, "262144",
            ProducerConfig.LINGER_MS_CONFIG, "50", ProducerConfig.CLIENT_ID_CONFIG, "bench-preload");

    /**
     * What was written: counts, sizes, the end offsets every drain is measured up to, and for each
     * valid order (in the order sent) its timestamp and the partition it went to.
     */
    record Result(long orders, long customerRecords, double avgOrderBytes, int customers, int products,
            Map<TopicPartition, Long> ordersEnd, Map<TopicPartition, Long> customersEnd, Duration elapsed,
            long[] orderTimes, int[] orderPartitions) {

        /**
         * What product-revenue must have counted at the end of a drain, from the input alone: the
         * low watermark is the lowest over the partitions of each one's highest order timestamp; an
         * order is late when its hour's end + grace is at or behind an earlier order's timestamp in
         * its partition; every other order of an hour whose end + grace is at or behind the low
         * watermark is counted.
         */
        Revenue revenue(long graceMs) {
            long[] highest = new long[ordersEnd.size()];
            Arrays.fill(highest, Long.MIN_VALUE);
            boolean[] late = new boolean[orderTimes.length];
            long lateOrders = 0;
            for (int i = 0; i < orderTimes.length; i++) { // in the order sent: the order of the offsets in each partition
                int p = orderPartitions[i];
                late[i] = close(orderTimes[i], graceMs) <= highest[p];
                lateOrders += late[i] ? 1 : 0;
                highest[p] = Math.max(highest[p], orderTimes[i]);
            }
            long low = Arrays.stream(highest).min().orElse(Long.MIN_VALUE);
            long counted = 0;
            for (int i = 0; i < orderTimes.length; i++) {
                counted += !late[i] && close(orderTimes[i], graceMs) <= low ? 1 : 0;
            }
            return new Revenue(counted, lateOrders, low);
        }

        private static long close(long time, long graceMs) {
            return Math.floorDiv(time, HOUR) * HOUR + HOUR + graceMs;
        }
    }

    /** product-revenue's expected figures: orders counted in closed windows, orders late in their partition, the low watermark. */
    record Revenue(long counted, long late, long lowWatermark) {
    }

    private Preload() {
    }

    /** The generator's options for {@code orders} orders over {@code customers} customers, spread over the last {@link #SPAN}. */
    static GeneratorOptions options(long orders, int customers, int products) {
        return GeneratorOptions.defaults(42)
                .withCustomers(customers)
                .withProducts(products)
                .withCount(orders)
                .withStartTime(Instant.now().minus(SPAN))
                .withEventRate(orders / (double) SPAN.toSeconds());
    }

    static Result run(Cluster cluster, GeneratorOptions options) {
        long start = System.nanoTime();
        int count = Math.toIntExact(options.count());
        long[] times = new long[count];
        int[] partitions = new int[count];
        int orders = 0;
        long customers = 0;
        long orderBytes = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Producer<String, byte[]> producer = GeneratorProducer.producer(
                GeneratorProducer.producerProperties(cluster.bootstrap(), PRODUCER))) {
            for (GeneratedRecord record : new DataGenerator(options)) {
                byte[] value = record.value();
                int index = -1;
                if (record.kind() == GeneratedRecord.Kind.ORDER) {
                    value = withoutCreatedAt(value);
                    index = orders++;
                    times[index] = record.timestamp();
                    orderBytes += value.length;
                } else if (record.isOrderSlot()) {
                    throw new IllegalStateException("the preload has no bad records: " + record);
                } else {
                    customers++;
                }
                int at = index;
                producer.send(new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), value),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else if (at >= 0) {
                                partitions[at] = metadata.partition();
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading failed: " + failure.get(), failure.get());
        }
        return new Result(orders, customers, orderBytes / (double) orders, options.customers(), options.products(),
                cluster.endOffsets(Topics.ORDERS.name()), cluster.endOffsets(Topics.CUSTOMERS.name()),
                Duration.ofNanos(System.nanoTime() - start), times, partitions);
    }

    /** The generator's order without its {@code created_at} (the record timestamp says it): about 110 bytes of JSON. */
    private static byte[] withoutCreatedAt(byte[] value) {
        try {
            ObjectNode order = (ObjectNode) Json.MAPPER.readTree(value);
            order.remove("created_at");
            return Json.MAPPER.writeValueAsBytes(order);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
