package io.orderpipeline.generator;

import io.orderpipeline.generator.GeneratedRecord.Kind;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends a {@link DataGenerator}'s records to Kafka: the customers at once, then the orders at a steady rate. */
public final class GeneratorProducer {

    private GeneratorProducer() {
    }

    /** What was sent and acknowledged. */
    public record Summary(long customers, long customerUpdates, long orders, long badOrders, Duration elapsed,
            Duration ordersElapsed, String customersTopic, String ordersTopic) {

        public double ordersPerSecond() {
            double seconds = ordersElapsed.toNanos() / 1e9;
            return seconds == 0 ? 0 : (orders + badOrders) / seconds;
        }

        /** One line for the terminal. */
        public String line() {
            return String.format(Locale.ROOT,
                    "sent %d records: %d customers + %d customer updates to %s, %d orders (%d bad) to %s"
                            + " in %.1f s (%.0f orders/s)",
                    customers + customerUpdates + orders + badOrders, customers, customerUpdates, customersTopic,
                    orders + badOrders, badOrders, ordersTopic, elapsed.toMillis() / 1000.0, ordersPerSecond());
        }
    }

    /**
     * Producer settings: idempotent, {@code acks=all}, lz4, batching for throughput; then
     * {@code overrides} (security settings, say), which win.
     */
    public static Properties producerProperties(String bootstrapServers, Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "data-generator");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(overrides);
        return props;
    }

    public static Producer<String, byte[]> producer(Properties props) {
        return new KafkaProducer<>(props);
    }

    /**
     * Sends the generator's records: every customer, a flush, then orders (and the customer updates
     * between them) open loop at {@code rate} orders per second (0: as fast as possible), until the
     * generator's count, {@code duration} (null: none) or {@code stop} says so. Flushes before it
     * returns; the caller closes the producer.
     *
     * @throws KafkaException when a record could not be sent (nothing more is sent after it)
     */
    public static Summary run(Producer<String, byte[]> producer, DataGenerator generator, double rate,
            Duration duration, BooleanSupplier stop) {
        AtomicLongArray acked = new AtomicLongArray(Kind.values().length);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long ordersStart = start;
        long sentOrders = 0;
        Iterator<GeneratedRecord> records = generator.iterator();
        boolean customersDone = false;
        while (records.hasNext() && !stop.getAsBoolean() && failure.get() == null) {
            GeneratedRecord record = records.next();
            if (!customersDone && record.kind() != Kind.CUSTOMER) {
                producer.flush();
                customersDone = true;
                ordersStart = System.nanoTime();
            }
            if (record.isOrderSlot()) {
                long due = rate > 0 ? ordersStart + (long) (sentOrders * 1e9 / rate) : System.nanoTime();
                long end = duration == null ? Long.MAX_VALUE : ordersStart + duration.toNanos();
                if (due >= end || !awaitUntil(due, stop) || System.nanoTime() >= end) {
                    break;
                }
                sentOrders++;
            }
            producer.send(new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), record.value()),
                    (metadata, e) -> {
                        if (e == null) {
                            acked.incrementAndGet(record.kind().ordinal());
                        } else if (e instanceof InvalidTimestampException) {
                            failure.set(e); // the cause; the rest of its batch fails with a vaguer error
                        } else {
                            failure.compareAndSet(null, e);
                        }
                    });
        }
        producer.flush();
        long now = System.nanoTime();
        if (failure.get() != null) {
            Exception e = failure.get();
            String hint = e instanceof InvalidTimestampException ? " (brokers reject timestamps more than"
                    + " log.message.timestamp.after.max.ms, 1 hour by default, ahead of their clock)" : "";
            throw new KafkaException("Sending to Kafka failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + hint, e);
        }
        GeneratorOptions options = generator.options();
        return new Summary(acked.get(Kind.CUSTOMER.ordinal()), acked.get(Kind.CUSTOMER_UPDATE.ordinal()),
                acked.get(Kind.ORDER.ordinal()), acked.get(Kind.BAD_ORDER.ordinal()), Duration.ofNanos(now - start),
                Duration.ofNanos(customersDone ? now - ordersStart : 0), options.customersTopic(), options.ordersTopic());
    }

    /** Waits until {@code System.nanoTime()} reaches {@code due}; false when stopped first. */
    private static boolean awaitUntil(long due, BooleanSupplier stop) {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            if (stop.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, 100_000_000L));
        }
        return true;
    }
}
