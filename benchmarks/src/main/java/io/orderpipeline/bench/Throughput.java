package io.orderpipeline.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast a consumer group drains the preloaded input: from its "-> RUNNING" line (it has its
 * partitions and starts processing) until its committed offsets cover the whole input, and, for
 * a streams app with repartition topics, everything it wrote to them too.
 */
final class Throughput {


    /** One measured drain. */
    /**
     * @param seconds                from RUNNING until the input is drained
     * @param steadyPerSecond        records/s of the steady part (from {@value #STEADY_FROM} of the input committed)
     * @param cpuMsPerThousand       CPU time the subject's process used per 1000 records in the steady part
     * @param brokerCpuMsPerThousand the same for the broker's process
     */
    record Result(String subject, String guarantee, long commitIntervalMs, long records, double seconds,
            double startupSeconds, double steadyPerSecond, double cpuMsPerThousand, double brokerCpuMsPerThousand) {

        double perSecond() {
            return records / seconds;
        }
    }

    /** A steady part shorter than this, or with fewer than this share of the orders, is not measured (shown as "-"). */
    static final double MIN_STEADY_SECONDS = 0.2;
    static final double MIN_STEADY_SHARE = 0.25;

    /**
     * The steady part of a drain starts once the committed offsets cover this share of the orders:
     * the first part of a fresh JVM's work is mostly JIT compilation and fetching metadata.
     */
    static final double STEADY_FROM = 0.5;

    /** What Kafka Streams logs (WARN) for a record it drops as too late for its window. */
    static final String SKIPPED = "Skipping record for expired window";

    private final Bench bench;

    Throughput(Bench bench) {
        this.bench = bench;
    }

    /** A service from its jar, with a fresh application id, draining the preloaded input. */
    Result service(String service, String guarantee, long commitIntervalMs) {
        return service(service, guarantee, commitIntervalMs, null, Map.of());
    }

    /** {@link #service(String, String, long)} with a tuning variant's extra environment (variant null: the baseline). */
    Result service(String service, String guarantee, long commitIntervalMs, String variant, Map<String, String> variantEnv) {
        String appId = bench.newAppId(service + "-" + shortName(guarantee) + "-" + commitIntervalMs);
        Map<String, String> env = bench.serviceEnv(appId, guarantee, commitIntervalMs);
        env.putAll(variantEnv);
        Proc proc = bench.startService(service, appId, env);
        String subject = variant == null ? service : service + " [" + variant + "]";
        try {
            return drain(proc, subject, appId, guarantee, commitIntervalMs, inputs(service), true);
        } finally {
            proc.stop(Duration.ofSeconds(40));
            long skipped = proc.countLines(SKIPPED);
            if (skipped > 0) {
                String note = String.format("%s (%s, commit %d ms) logged \"%s\" for %,d of %,d orders while draining the"
                        + " preloaded input (see its log in bench-logs/%s.log).", subject, guarantee, commitIntervalMs, SKIPPED, skipped,
                        bench.preload.orders(), appId);
                System.out.println("  NOTE: " + note);
                bench.notes.add(note);
            }
            bench.cluster.deleteAppTopics(appId);
        }
    }

    /** A ceiling loop ({@link PlainCopy} or {@link TransactionalFilter}) in its own JVM. */
    Result ceiling(Class<?> main, String subject, String guarantee, long commitIntervalMs, String output) {
        String group = bench.newAppId(main.getSimpleName().toLowerCase());
        Proc proc = bench.startMain(main, group, bench.options.jvmOptions, bench.bootstrap(), group, "orders", output,
                String.valueOf(commitIntervalMs), "earliest");
        try {
            return drain(proc, subject, group, guarantee, commitIntervalMs, bench.preload.ordersEnd(), false);
        } finally {
            proc.stop(Duration.ofSeconds(40));
        }
    }

    /** The preloaded end offsets of what {@code service} reads: orders, and customers for customer-join. */
    private Map<TopicPartition, Long> inputs(String service) {
        Map<TopicPartition, Long> ends = new HashMap<>(bench.preload.ordersEnd());
        if (service.equals("customer-join")) {
            ends.putAll(bench.preload.customersEnd());
        }
        return ends;
    }

    private Result drain(Proc proc, String subject, String group, String guarantee, long commitIntervalMs,
            Map<TopicPartition, Long> inputEnds, boolean streamsApp) {
        Duration timeout = Duration.ofSeconds(60 + bench.preload.orders() / 500);
        Proc.Line running = proc.awaitRunning(Duration.ofSeconds(120));
        List<TopicPartition> repartition = streamsApp ? Drain.repartitionPartitions(bench.cluster, group) : List.of();
        double[] cpuAtMark = new double[2];
        Drain.Drained drained = Drain.await(bench.cluster, List.of(proc), group, inputEnds, repartition,
                guarantee.equals(Options.EOS), running.nanos() + timeout.toNanos(), "orders", STEADY_FROM, () -> {
                    cpuAtMark[0] = proc.cpuSeconds();
                    cpuAtMark[1] = bench.broker.cpuSeconds();
                });
        double cpu = proc.cpuSeconds() - cpuAtMark[0];
        double brokerCpu = bench.broker.cpuSeconds() - cpuAtMark[1];
        double seconds = (drained.doneNanos() - running.nanos()) / 1e9;
        double startup = (running.nanos() - proc.startNanos()) / 1e9;
        long orders = bench.preload.orders();
        long steadyRecords = orders - drained.markRecords();
        double steadySeconds = (drained.doneNanos() - drained.markNanos()) / 1e9;
        // a drain whose commits jumped over most of the second half (a long commit interval on a short
        // drain) has no steady part to measure
        boolean steady = steadyRecords >= orders * MIN_STEADY_SHARE && steadySeconds >= MIN_STEADY_SECONDS;
        Result result = new Result(subject, guarantee, commitIntervalMs, orders, seconds, startup,
                steady ? steadyRecords / steadySeconds : Double.NaN,
                steady ? cpu * 1e6 / steadyRecords : Double.NaN, steady ? brokerCpu * 1e6 / steadyRecords : Double.NaN);
        System.out.printf("  %-33s %-16s commit %5d ms: %,7.0f records/s (%4.1f s; running after %4.1f s), steady %,7.0f/s;"
                        + " CPU ms per 1000: %3.0f + broker %3.0f%n", subject, guarantee, commitIntervalMs,
                result.perSecond(), seconds, startup, result.steadyPerSecond(), result.cpuMsPerThousand(),
                result.brokerCpuMsPerThousand());
        return result;
    }

    static String shortName(String guarantee) {
        return guarantee.equals(Options.EOS) ? "eos" : "alos";
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
