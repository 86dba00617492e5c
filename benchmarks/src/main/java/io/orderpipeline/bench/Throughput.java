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

    /**
     * One measured drain.
     *
     * @param seconds                from RUNNING until the input is drained
     * @param steadyPerSecond        records/s of the steady part (from {@value #STEADY_FROM} of the input committed)
     * @param cpuSecondsPerMillion   CPU time (user + system) the subject's JVM used from RUNNING to drained, per 1M records
     * @param brokerCpuPerMillion    the same for the broker's JVM
     * @param peakRssMb              the subject's peak resident set size (VmHWM) when drained
     * @param revenue                product-revenue's count check, else null
     */
    record Result(String subject, String guarantee, long commitIntervalMs, long records, double seconds,
            double startupSeconds, double steadyPerSecond, double cpuSecondsPerMillion, double brokerCpuPerMillion,
            double peakRssMb, RevenueCheck.Result revenue) {

        double perSecond() {
            return records / seconds;
        }

        Result with(RevenueCheck.Result check) {
            return new Result(subject, guarantee, commitIntervalMs, records, seconds, startupSeconds, steadyPerSecond,
                    cpuSecondsPerMillion, brokerCpuPerMillion, peakRssMb, check);
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
        boolean revenue = service.equals("product-revenue");
        Map<TopicPartition, Long> outputFrom = revenue ? RevenueCheck.marks(bench.cluster) : Map.of();
        Proc proc = bench.startService(service, appId, env);
        String subject = variant == null ? service : service + " [" + variant + "]";
        Result result;
        try {
            result = drain(proc, subject, appId, guarantee, commitIntervalMs, inputs(service), true);
            if (revenue) {
                settle(proc, appId, guarantee, commitIntervalMs);
            }
        } finally {
            proc.stop(Duration.ofSeconds(40));
            bench.cluster.deleteAppTopics(appId);
        }
        if (revenue) {
            long grace = 1000L * Integer.parseInt(env.getOrDefault("WINDOW_GRACE_SECONDS", "300"));
            result = result.with(RevenueCheck.check(bench.cluster, outputFrom, bench.preload.revenue(grace)));
            System.out.println("  " + (result.revenue().exact() ? "" : "MISMATCH: ") + result.revenue().line());
        }
        return result;
    }

    /**
     * product-revenue sends the sums of the orders it read every 100 ms (wall clock) and its event
     * time after them, so its input can be committed before the last sums are written: after the
     * drain, waits until its repartition topic stops growing and is drained, well before a partition
     * turns idle (30 s), which would move the low watermark.
     */
    private void settle(Proc proc, String appId, String guarantee, long commitIntervalMs) {
        List<TopicPartition> repartition = Drain.repartitionPartitions(bench.cluster, appId);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<TopicPartition, Long> before;
        do {
            before = bench.cluster.endOffsets(repartition);
            sleep(Duration.ofMillis(Math.max(500, 2 * commitIntervalMs)));
            Drain.await(bench.cluster, List.of(proc), appId, Map.of(), repartition, guarantee.equals(Options.EOS), deadline);
        } while (!before.equals(bench.cluster.endOffsets(repartition)));
    }

    /** A ceiling loop ({@link NonBlockingCopy}, {@link PlainCopy} or {@link TransactionalFilter}) in its own JVM. */
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
        double cpuAtRunning = proc.cpuSeconds();
        double brokerCpuAtRunning = bench.broker.cpuSeconds();
        List<TopicPartition> repartition = streamsApp ? Drain.repartitionPartitions(bench.cluster, group) : List.of();
        Drain.Drained drained = Drain.await(bench.cluster, List.of(proc), group, inputEnds, repartition,
                guarantee.equals(Options.EOS), running.nanos() + timeout.toNanos(), "orders", STEADY_FROM);
        double cpu = proc.cpuSeconds() - cpuAtRunning;
        double brokerCpu = bench.broker.cpuSeconds() - brokerCpuAtRunning;
        double rss = proc.peakRssMb();
        double seconds = (drained.doneNanos() - running.nanos()) / 1e9;
        double startup = (running.nanos() - proc.startNanos()) / 1e9;
        long orders = bench.preload.orders();
        long steadyRecords = orders - drained.markRecords();
        double steadySeconds = (drained.doneNanos() - drained.markNanos()) / 1e9;
        // a drain whose commits jumped over most of the second half (a long commit interval on a short
        // drain) has no steady part to measure
        boolean steady = steadyRecords >= orders * MIN_STEADY_SHARE && steadySeconds >= MIN_STEADY_SECONDS;
        Result result = new Result(subject, guarantee, commitIntervalMs, orders, seconds, startup,
                steady ? steadyRecords / steadySeconds : Double.NaN, cpu * 1e6 / orders, brokerCpu * 1e6 / orders, rss, null);
        System.out.printf("  %-33s %-16s commit %5d ms: %,7.0f records/s (%5.1f s; running after %4.1f s), steady %,7.0f/s;"
                        + " CPU s per 1M: %4.1f + broker %4.1f; peak RSS %4.0f MB; load %s%n", subject, guarantee, commitIntervalMs,
                result.perSecond(), seconds, startup, result.steadyPerSecond(), result.cpuSecondsPerMillion(),
                result.brokerCpuPerMillion(), rss, Report.loadAverage());
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
