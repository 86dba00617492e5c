package io.orderpipeline.bench;

import io.orderpipeline.common.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end latency at a steady open-loop rate: from an order's record timestamp (the instant it
 * was due to be sent) to the moment its output is visible to a {@code read_committed} consumer of
 * the output topic, in an HdrHistogram. The subject starts from the end of the input (a fresh
 * group with {@code auto.offset.reset=latest}); after its first output and a warm-up, the outputs
 * of the orders due in the measuring window are recorded.
 */
final class Latency {

    private static final BigDecimal HUNDRED = new BigDecimal("100");
    /** Every order gives one output (all generated orders are valid). */
    static final Predicate<byte[]> EVERY_ORDER = value -> true;
    /** Orders with amount > 100 give one output (order-filter, the transactional loop). */
    static final Predicate<byte[]> OVER_100 = value -> {
        try {
            return Json.MAPPER.readTree(value).get("amount").decimalValue().compareTo(HUNDRED) > 0;
        } catch (IOException e) {
            return false;
        }
    };

    /** One measured subject. Values in the histogram are microseconds (at millisecond resolution). */
    record Result(String subject, double rate, Histogram histogram, long expected, long seen) {

        double ms(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMs() {
            return histogram.getMaxValue() / 1000.0;
        }
    }

    private final Bench bench;
    private final double rate;

    Latency(Bench bench, double rate) {
        this.bench = bench;
        this.rate = rate;
    }

    /** A service from its jar, exactly-once at the default commit interval, reading from the end of the input. */
    Result service(String service, String outputTopic, Predicate<byte[]> producesOutput) {
        String appId = bench.newAppId(service + "-latency");
        Map<String, String> env = bench.serviceEnv(appId, Options.EOS, 0);
        env.put("KAFKA_AUTO_OFFSET_RESET", "latest");
        env.putAll(bench.options.env);
        try {
            return measure(service, outputTopic, producesOutput, service.equals("customer-join"),
                    () -> bench.startService(service, appId, env));
        } finally {
            bench.cluster.deleteAppTopics(appId);
        }
    }

    /** A ceiling loop in its own JVM, committing every 100 ms, reading from the end of the input. */
    Result ceiling(Class<?> main, String subject, String outputTopic, Predicate<byte[]> producesOutput) {
        String group = bench.newAppId(main.getSimpleName().toLowerCase() + "-latency");
        return measure(subject, outputTopic, producesOutput, false, () -> bench.startMain(main, group, bench.options.jvmOptions,
                bench.bootstrap(), group, "orders", outputTopic, "100", "latest"));
    }

    private Result measure(String subject, String outputTopic, Predicate<byte[]> producesOutput, boolean withCustomers,
            Supplier<Proc> start) {
        Histogram histogram = new Histogram(Duration.ofHours(1).toNanos() / 1000, 3);
        Output output = new Output(bench.bootstrap(), outputTopic, histogram);
        Proc proc;
        try {
            proc = start.get();
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
        try (output; Feed feed = new Feed(bench.bootstrap(), rate, bench.options.customers, bench.options.products, 7,
                producesOutput)) {
            proc.awaitRunning(Duration.ofSeconds(120));
            output.start();
            feed.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (output.seenAny == 0) {
                proc.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(subject + ": no output within 120 s of the feed's start");
                }
                Throughput.sleep(Duration.ofMillis(50));
            }
            if (withCustomers) {
                feed.sendCustomers();
            }
            long windowStart = System.currentTimeMillis() + bench.options.warmup().toMillis();
            long windowEnd = windowStart + bench.options.measure().toMillis();
            output.window(windowStart, windowEnd);
            feed.measureWindow(windowStart, windowEnd);
            feed.awaitStopped();
            long drainDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (output.seen < feed.expected() && System.nanoTime() < drainDeadline) {
                proc.requireAlive();
                Throughput.sleep(Duration.ofMillis(50));
            }
            output.stopAndWait();
            Result result = new Result(subject, rate, histogram, feed.expected(), output.seen);
            System.out.printf("  %-28s %,7.0f orders/s: p50 %7.1f ms, p99 %7.1f ms, max %7.1f ms (%d of %d outputs)%n",
                    subject, rate, result.ms(50), result.ms(99), result.maxMs(), result.seen(), result.expected());
            return result;
        } finally {
            proc.stop(Duration.ofSeconds(40));
        }
    }

    /** Reads the output topic read_committed from its end and records the latency of the window's outputs. */
    private static final class Output implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Histogram histogram;
        private final Thread thread;
        private volatile boolean stop;
        private volatile long windowStartMs = Long.MAX_VALUE;
        private volatile long windowEndMs = Long.MAX_VALUE;
        volatile long seen;
        volatile long seenAny;

        Output(String bootstrap, String topic, Histogram histogram) {
            this.histogram = histogram;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(this::run, "latency-output");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void window(long startMs, long endMs) {
            windowStartMs = startMs;
            windowEndMs = endMs;
        }

        private void run() {
            while (!stop) {
                var records = consumer.poll(Duration.ofMillis(20));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    seenAny++;
                    long ts = record.timestamp();
                    if (ts >= windowStartMs && ts < windowEndMs) {
                        histogram.recordValue(Math.max(0, now - ts) * 1000);
                        seen++;
                    }
                }
            }
        }

        void stopAndWait() {
            stop = true;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stopAndWait();
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
