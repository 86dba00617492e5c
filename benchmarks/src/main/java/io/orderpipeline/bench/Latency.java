package io.orderpipeline.bench;

import io.orderpipeline.bench.Benchmark.Guarantee;
import io.orderpipeline.bench.Ceiling.Kind;
import io.orderpipeline.common.Services;
import io.orderpipeline.generator.*;
import io.orderpipeline.launch.*;
import java.math.BigDecimal;
import java.time.*;
import java.util.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.LockSupport;
import java.util.function.*;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;

/**
 * End-to-end latency at one steady open-loop rate: from an order's record timestamp (its due instant) to the moment its
 * output is visible read_committed, in an HdrHistogram (benchmarks/README.md, Latency).
 */
record Latency(Benchmark bench, double rate) {

    /** Orders with amount > 100 give one output (order-filter, the transactional loop); every order one for the others. */
    static final Predicate<byte[]> OVER_100 = value -> Preload.json(value).get("amount").decimalValue().compareTo(BigDecimal.valueOf(100)) > 0;
    static final Map<String, String> LATEST = Map.of("KAFKA_AUTO_OFFSET_RESET", "latest");

    /** One subject; the histogram in microseconds (at millisecond resolution). */
    record Result(String subject, double rate, Histogram histogram, long expected, long seen) {
        double ms(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** The three ceilings, then every service but product-revenue (its window's final record comes after the hour + grace by design). */
    List<Result> run() {
        System.out.printf("latency at %,.0f orders/s (exactly-once, default commit interval):%n", rate);
        List<Result> results = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            String group = bench.newAppId(kind.name().toLowerCase() + "-latency");
            bench.attempt(kind.subject + " latency", () -> measure(kind.subject, group, kind.output, kind == Kind.TRANSACTIONAL, false,
                    bench.startCeiling(kind, group, 100, "latest")), results::add);
        }
        for (String service : bench.services) {
            if (!service.equals("product-revenue")) {
                String appId = bench.newAppId(service + "-latency");
                Map<String, String> env = bench.serviceEnv(appId, Guarantee.EXACTLY_ONCE_V2, 0, Map.of(), LATEST);
                String output = Services.named(service).outputs().get(0).name(); // customer-stats: its stats, not its alerts
                bench.attempt(service + " latency", () -> measure(service, appId, output, service.equals("order-filter"),
                        service.equals("customer-join"), bench.service(service, appId, env).start()), results::add);
            }
        }
        return results;
    }

    /** After the first output and the warm-up, the outputs of the orders due in the measuring window count. */
    private Result measure(String subject, String appId, String outputTopic, boolean filtered, boolean withCustomers, ServiceProcess started) {
        Histogram histogram = new Histogram(Duration.ofHours(1).toNanos() / 1000, 3);
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};
        AtomicLong seen = new AtomicLong();
        AtomicLong seenAny = new AtomicLong();
        return bench.using(started, appId, proc -> {
            proc.awaitRunning(Duration.ofSeconds(120));
            try (Tail output = new Tail(bench.cluster, outputTopic, record -> {
                    seenAny.incrementAndGet();
                    if (record.timestamp() >= window[0] && record.timestamp() < window[1]) {
                        histogram.recordValue(Math.max(0, System.currentTimeMillis() - record.timestamp()) * 1000);
                        seen.incrementAndGet();
                    }
                });
                 Feed feed = new Feed(bench, rate, 7, filtered ? OVER_100 : v -> true)) {
                if (!Benchmark.await(List.of(proc), 50, Duration.ofSeconds(120), () -> seenAny.get() > 0)) {
                    throw new IllegalStateException(subject + ": no output within 120 s of the feed's start");
                }
                if (withCustomers) {
                    feed.sendCustomers();
                }
                window[0] = System.currentTimeMillis() + bench.warmup * 1000L;
                window[1] = window[0] + bench.measure * 1000L;
                feed.stopAt(window[0], window[1]);
                Benchmark.await(List.of(proc), 50, Duration.ofSeconds(30), () -> seen.get() >= feed.expected.get());
                Result r = new Result(subject, rate, histogram, feed.expected.get(), seen.get());
                System.out.printf("  %-34s %,7.0f orders/s: p50 %7.1f ms, p99 %7.1f ms, max %7.1f ms (%d of %d outputs)%n",
                        subject, rate, r.ms(50), r.ms(99), r.ms(100), r.seen(), r.expected());
                return r;
            }
        });
    }

    static void join(Thread thread, long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a topic read_committed in a background thread, from its end when created. */
    static final class Tail implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;

        Tail(ClusterReader cluster, String topic, Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
            KafkaConsumer<byte[], byte[]> consumer = cluster.consumer(IsolationLevel.READ_COMMITTED);
            List<TopicPartition> partitions = cluster.partitions(topic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(() -> {
                while (!stop) {
                    consumer.poll(Duration.ofMillis(20)).forEach(onRecord);
                }
                consumer.close(Duration.ofSeconds(5));
            }, "tail-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            stop = true;
            join(thread, 10_000);
        }
    }

    /**
     * The generator's orders open loop at {@code rate}: order n is due at start + n / rate and carries that instant as its
     * timestamp, so a sender that falls behind shows as latency (no coordinated omission). Customer updates go between the
     * orders; the generator's initial customers wait for {@link #sendCustomers()}. Starts at once.
     */
    static final class Feed implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final List<GeneratedRecord> customers = new ArrayList<>();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final Thread thread;
        /** Outputs expected from the orders due in the measuring window. */
        final AtomicLong expected = new AtomicLong();
        private volatile long windowStartMs = Long.MAX_VALUE;
        private volatile long stopMs = Long.MAX_VALUE;
        private volatile boolean stop;

        Feed(Benchmark bench, double rate, long seed, Predicate<byte[]> producesOutput) {
            Iterator<GeneratedRecord> records = new DataGenerator(GeneratorOptions.defaults(seed).withCustomers(bench.customers)
                    .withProducts(bench.products).withStartTime(Instant.now()).withEventRate(rate)).iterator();
            GeneratedRecord next = records.next();
            for (; next.kind() == GeneratedRecord.Kind.CUSTOMER; next = records.next()) {
                customers.add(next);
            }
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.cluster.bootstrap(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
            GeneratedRecord first = next;
            thread = new Thread(() -> {
                long startNanos = System.nanoTime();
                long startMs = System.currentTimeMillis();
                long dueMs = startMs;
                long n = 0;
                for (GeneratedRecord record = first; !stop; record = records.next()) {
                    if (record.isOrderSlot()) {
                        long dueNanos = startNanos + (long) (n++ * 1e9 / rate);
                        for (long wait; (wait = dueNanos - System.nanoTime()) > 0 && !stop; ) {
                            LockSupport.parkNanos(wait);
                        }
                        dueMs = startMs + (dueNanos - startNanos) / 1_000_000;
                        if (dueMs >= stopMs) {
                            break;
                        }
                        if (dueMs >= windowStartMs && producesOutput.test(record.value())) {
                            expected.incrementAndGet();
                        }
                    }
                    send(record, dueMs);
                }
            }, "feed");
            thread.setDaemon(true);
            thread.start();
        }

        private void send(GeneratedRecord record, long timestamp) { // from two threads: KafkaProducer is thread-safe
            producer.send(new ProducerRecord<>(record.topic(), null, timestamp, record.key(), record.value()), (m, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }

        /** Sends the generator's initial customers now (a burst). */
        void sendCustomers() {
            customers.forEach(c -> send(c, System.currentTimeMillis()));
            producer.flush();
        }

        /** Counts the outputs of the orders due in [start, end), stops at {@code end} and waits for that. */
        void stopAt(long startMs, long endMs) {
            windowStartMs = startMs;
            stopMs = endMs;
            join(thread, 0);
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("the feed could not send: " + failure.get(), failure.get());
            }
        }

        @Override
        public void close() {
            stop = true;
            join(thread, 10_000);
            producer.close();
        }
    }
}
