package io.orderpipeline.bench;

import io.orderpipeline.common.Topics;
import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratedRecord;
import io.orderpipeline.generator.GeneratorOptions;
import io.orderpipeline.generator.GeneratorProducer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Fills {@code orders} and {@code customers} with the data generator's realistic records, once,
 * before any measurement: every run then drains the same records.
 */
final class Preload {

    /** What was written: counts, sizes and the end offsets every drain is measured up to. */
    record Result(long orders, long customerRecords, double avgOrderBytes, int customers, int products,
            Map<TopicPartition, Long> ordersEnd, Map<TopicPartition, Long> customersEnd, Duration elapsed) {
    }

    private Preload() {
    }

    /** The generator's options for {@code orders} orders over {@code customers} customers, spread over the last 2 hours. */
    static GeneratorOptions options(long orders, int customers, int products) {
        Duration span = Duration.ofHours(2);
        return GeneratorOptions.defaults(42)
                .withCustomers(customers)
                .withProducts(products)
                .withCount(orders)
                .withStartTime(Instant.now().minus(span))
                .withEventRate(Math.max(1, orders / (double) span.toSeconds()));
    }

    static Result run(Cluster cluster, GeneratorOptions options) {
        long start = System.nanoTime();
        long orders = 0;
        long customers = 0;
        long orderBytes = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Producer<String, byte[]> producer = GeneratorProducer.producer(
                GeneratorProducer.producerProperties(cluster.bootstrap(), Map.of()))) {
            for (GeneratedRecord record : new DataGenerator(options)) {
                if (record.isOrderSlot()) {
                    orders++;
                    orderBytes += record.value() == null ? 0 : record.value().length;
                } else {
                    customers++;
                }
                producer.send(new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), record.value()),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
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
                Duration.ofNanos(System.nanoTime() - start));
    }
}
