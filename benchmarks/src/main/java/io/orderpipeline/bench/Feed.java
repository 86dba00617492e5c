package io.orderpipeline.bench;

import io.orderpipeline.common.Topics;
import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratedRecord;
import io.orderpipeline.generator.GeneratedRecord.Kind;
import io.orderpipeline.generator.GeneratorOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady open-loop stream of the generator's orders at {@code rate} per second: order {@code n}
 * is due at {@code start + n / rate} and carries that instant as its record timestamp, so a
 * sender that falls behind shows up as latency instead of hiding it (no coordinated omission).
 * Customer updates go between the orders as the generator makes them; the generator's initial
 * customers are held back until {@link #sendCustomers()}.
 */
final class Feed implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final double rate;
    private final Iterator<GeneratedRecord> records;
    private final List<GeneratedRecord> customers = new ArrayList<>();
    private final Predicate<byte[]> producesOutput;
    private final AtomicLong expected = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile long windowStartMs = Long.MAX_VALUE;
    private volatile long windowEndMs = Long.MAX_VALUE;
    private volatile long stopMs = Long.MAX_VALUE;
    private volatile boolean stop;
    private final Thread thread;
    private long sent;
    private GeneratedRecord pending;

    /**
     * @param producesOutput whether an order's value gives one output record (counted for the
     *     orders due inside the measuring window)
     */
    Feed(String bootstrap, double rate, int customerCount, int products, long seed, Predicate<byte[]> producesOutput) {
        this.rate = rate;
        this.producesOutput = producesOutput;
        GeneratorOptions options = GeneratorOptions.defaults(seed).withCustomers(customerCount).withProducts(products)
                .withStartTime(Instant.now()).withEventRate(rate);
        records = new DataGenerator(options).iterator();
        while (records.hasNext()) {
            GeneratedRecord record = records.next();
            if (record.kind() != Kind.CUSTOMER) {
                pending = record;
                break;
            }
            customers.add(record);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        thread = new Thread(this::run, "feed");
        thread.setDaemon(true);
    }

    Feed start() {
        thread.start();
        return this;
    }

    /** Sends the generator's initial customers now (a burst), timestamped now. */
    void sendCustomers() {
        long now = System.currentTimeMillis();
        synchronized (producer) {
            for (GeneratedRecord c : customers) {
                producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), null, now, c.key(), c.value()), this::check);
            }
        }
        producer.flush();
    }

    /** Counts the outputs the orders due in [start, end) should give; stops sending at {@code end}. */
    void measureWindow(long startMs, long endMs) {
        windowStartMs = startMs;
        windowEndMs = endMs;
        stopMs = endMs;
    }

    /** Outputs expected from the orders due inside the window (final once the feed has stopped). */
    long expected() {
        return expected.get();
    }

    long sent() {
        return sent;
    }

    /** Waits until the feed has sent its last order (the window's end) and the producer is flushed. */
    void awaitStopped() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("the feed could not send: " + failure.get(), failure.get());
        }
    }

    private void run() {
        long startNanos = System.nanoTime();
        long startMs = System.currentTimeMillis();
        long n = 0;
        long dueMs = startMs;
        while (!stop) {
            GeneratedRecord record = pending != null ? pending : records.next();
            pending = null;
            if (record.isOrderSlot()) {
                long dueNanos = startNanos + (long) (n * 1e9 / rate);
                for (long wait; (wait = dueNanos - System.nanoTime()) > 0 && !stop; ) {
                    LockSupport.parkNanos(wait);
                }
                n++;
                dueMs = startMs + (dueNanos - startNanos) / 1_000_000;
                if (dueMs >= stopMs) {
                    break;
                }
                if (dueMs >= windowStartMs && dueMs < windowEndMs && producesOutput.test(record.value())) {
                    expected.incrementAndGet();
                }
            }
            synchronized (producer) {
                producer.send(new ProducerRecord<>(record.topic(), null, dueMs, record.key(), record.value()), this::check);
            }
            sent++;
        }
    }

    private void check(Object metadata, Exception e) {
        if (e != null) {
            failure.compareAndSet(null, e);
        }
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
