package io.orderpipeline.bench;

import io.orderpipeline.bench.Benchmark.Guarantee;
import io.orderpipeline.bench.Ceiling.Kind;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ClusterReader;
import io.orderpipeline.launch.ServiceProcess;
import java.time.Duration;
import java.util.*;
import java.util.function.Consumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** How fast each subject drains the preloaded input, between non-blocking copies (benchmarks/README.md, Throughput). */
record Throughput(Benchmark bench, Preload.Result preload) {

    /**
     * One drain. Steady: records/s from the moment half the orders are committed (after a fresh JVM's JIT warm-up), NaN when
     * the commits jumped over most of it. CPU seconds per 1M orders from RUNNING to drained, of the subject's JVM and the broker's.
     */
    record Result(String subject, Guarantee guarantee, long commitIntervalMs, long records, double seconds, double startupSeconds,
            double steadyPerSecond, double cpuPerMillion, double brokerCpuPerMillion, double peakRssMb, Preload.Revenue revenue) {
        double perSecond() {
            return records / seconds;
        }

        boolean isCopy() {
            return subject.equals(Kind.NON_BLOCKING.subject);
        }
    }

    List<Result> run() {
        System.out.println("throughput (drain the preloaded orders); warm-up of the broker: one non-blocking copy, not counted");
        bench.attempt("warm-up copy", () -> ceiling(Kind.NON_BLOCKING), r -> { });
        List<Result> results = new ArrayList<>();
        ceilings(results, Kind.NON_BLOCKING, Kind.BLOCKING, Kind.TRANSACTIONAL);
        for (StreamsFloor.Kind floor : StreamsFloor.Kind.values()) {
            ceilings(results, Kind.NON_BLOCKING);
            bench.attempt(floor.subject, () -> floor(floor), results::add);
        }
        for (String service : bench.services) {
            for (int repeat = 0; repeat < bench.repeat; repeat++) {
                for (long commit : bench.commitIntervals) {
                    for (Guarantee guarantee : bench.guaranteesAt(commit)) {
                        bench.variants.forEach((name, env) -> {
                            ceilings(results, Kind.NON_BLOCKING);
                            String subject = service + (name.isEmpty() ? "" : " [" + name + "]");
                            bench.attempt(subject + " " + guarantee.config() + " " + commit,
                                    () -> service(service, subject, guarantee, commit, env), results::add);
                        });
                    }
                }
            }
        }
        ceilings(results, Kind.NON_BLOCKING, Kind.BLOCKING, Kind.TRANSACTIONAL, Kind.NON_BLOCKING);
        return results;
    }

    private void ceilings(List<Result> results, Kind... kinds) {
        for (Kind kind : kinds) {
            bench.attempt(kind.subject, () -> ceiling(kind), results::add);
        }
    }

    private Result ceiling(Kind kind) {
        String group = bench.newAppId(kind.name().toLowerCase());
        return drain(bench.startCeiling(kind, group, 100, "earliest"), kind.subject, group, kind.guarantee, 100, preload.ordersEnd(), null);
    }

    /** Kafka Streams' own cost: a {@link StreamsFloor}, exactly-once at 100 ms like the targets, the services' JVM flags and environment. */
    private Result floor(StreamsFloor.Kind kind) {
        String appId = bench.newAppId("floor-" + kind.name().toLowerCase());
        Map<String, String> env = bench.serviceEnv(appId, Guarantee.EXACTLY_ONCE_V2, 100, Map.of(), Map.of());
        bench.cluster.createTopics(List.of(Topics.deadLetter(appId), appId + "-out"), 3, (short) 1);
        return drain(bench.startMain(StreamsFloor.class, appId, bench.jvmFlags(), env, kind.name(), appId + "-out"), kind.subject, appId,
                Guarantee.EXACTLY_ONCE_V2, 100, preload.ordersEnd(), p -> { });
    }

    /** A service from its jar with a fresh application id; a variant adds its environment. product-revenue's count is checked. */
    private Result service(String service, String subject, Guarantee guarantee, long commitMs, Map<String, String> variantEnv) {
        String appId = bench.newAppId(service + "-" + guarantee.name().toLowerCase().substring(0, 4) + "-" + commitMs);
        Map<String, String> env = bench.serviceEnv(appId, guarantee, commitMs, Map.of(), variantEnv);
        Map<TopicPartition, Long> inputs = new HashMap<>(preload.ordersEnd());
        if (service.equals("customer-join")) {
            inputs.putAll(preload.customersEnd());
        }
        if (!service.equals("product-revenue")) {
            return drain(bench.service(service, appId, env).start(), subject, appId, guarantee, commitMs, inputs, p -> { });
        }
        Map<TopicPartition, Long> outputFrom = new HashMap<>(bench.cluster.logEndOffsets(Topics.PRODUCT_REVENUE_HOURLY.name()));
        outputFrom.putAll(bench.cluster.logEndOffsets(Topics.PRODUCT_REVENUE_LATE.name())); // where this run's output starts
        Result r = drain(bench.service(service, appId, env).start(), subject, appId, guarantee, commitMs, inputs, proc -> {
            // its partial sums go out every 100 ms of wall clock: its input can be committed before the last are written;
            // wait until its repartition topic stops growing (well before a partition turns idle at 30 s)
            List<TopicPartition> repartition = bench.cluster.partitions(bench.cluster.repartitionTopics(appId));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (Map<TopicPartition, Long> before = null; !ends(repartition).equals(before); ) {
                before = ends(repartition);
                ServiceProcess.sleep(Math.max(500, 2 * commitMs));
                awaitDrained(bench.cluster, List.of(proc), appId, Map.of(), repartition, guarantee,
                        Duration.ofNanos(deadline - System.nanoTime()), 0);
            }
        });
        long grace = 1000L * Integer.parseInt(env.getOrDefault("WINDOW_GRACE_SECONDS", "300"));
        Preload.Revenue check = Preload.checkRevenue(bench.cluster, outputFrom, Preload.expectedRevenue(preload, grace));
        System.out.printf("  %sorders counted in windows %,d (%,d windows), expected %,d; late %,d, expected %,d%n",
                check.exact() ? "" : "MISMATCH: ", check.counted(), check.windows(), check.expectedCounted(), check.late(),
                check.expectedLate());
        return new Result(r.subject(), guarantee, commitMs, r.records(), r.seconds(), r.startupSeconds(), r.steadyPerSecond(),
                r.cpuPerMillion(), r.brokerCpuPerMillion(), r.peakRssMb(), check);
    }

    private Map<TopicPartition, Long> ends(List<TopicPartition> partitions) {
        return bench.cluster.endOffsets(partitions, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * From RUNNING until the group has committed {@code inputEnds} and, for a streams app ({@code drained} not null: a ceiling has
     * none), its repartition topics; then {@code drained}; then stopped.
     */
    private Result drain(ServiceProcess proc, String subject, String group, Guarantee guarantee, long commitMs,
            Map<TopicPartition, Long> inputEnds, Consumer<ServiceProcess> drained) {
        return bench.using(proc, group, p -> {
            ServiceProcess.Line running = proc.awaitRunning(Duration.ofSeconds(120));
            double cpu = proc.cpuSeconds();
            double brokerCpu = bench.broker.cpuSeconds();
            var repartition = drained == null ? List.<TopicPartition>of() : bench.cluster.partitions(bench.cluster.repartitionTopics(group));
            long[] half = awaitDrained(bench.cluster, List.of(proc), group, inputEnds, repartition, guarantee,
                    Duration.ofSeconds(60 + preload.orders() / 500), 0.5);
            long done = System.nanoTime();
            long orders = preload.orders();
            long steadyRecords = orders - half[1];
            double steadySeconds = (done - half[0]) / 1e9;
            boolean steady = steadyRecords >= orders * 0.25 && steadySeconds >= 0.2;
            Result r = new Result(subject, guarantee, commitMs, orders, (done - running.nanos()) / 1e9,
                    (running.nanos() - proc.startNanos()) / 1e9, steady ? steadyRecords / steadySeconds : Double.NaN,
                    (proc.cpuSeconds() - cpu) * 1e6 / orders, (bench.broker.cpuSeconds() - brokerCpu) * 1e6 / orders, proc.peakRssMb(), null);
            System.out.printf("  %-33s %-16s commit %5d ms: %,7.0f records/s (%5.1f s; running after %4.1f s), steady %,7.0f/s;"
                    + " CPU s per 1M: %4.1f + broker %4.1f; peak RSS %4.0f MB; load %s%n", subject, guarantee.config(), commitMs,
                    r.perSecond(), r.seconds(), r.startupSeconds(), r.steadyPerSecond(), r.cpuPerMillion(), r.brokerCpuPerMillion(),
                    r.peakRssMb(), Benchmark.loadAverage());
            if (drained != null) {
                drained.accept(proc);
            }
            return r;
        });
    }

    /**
     * Polls every 50 ms until the group's committed offsets reach {@code inputEnds} and the end of every repartition partition.
     * Under exactly-once a repartition partition's last entry is a transaction marker the committed offset may stop before:
     * there it counts as drained when no transaction is open (last stable offset = log end) and it is at least the end - 1.
     * Returns when the committed orders first covered {@code markShare} of the orders, and how many they were.
     */
    static long[] awaitDrained(ClusterReader cluster, List<ServiceProcess> procs, String group, Map<TopicPartition, Long> inputEnds,
            List<TopicPartition> repartition, Guarantee guarantee, Duration timeout, double markShare) {
        List<TopicPartition> orders = inputEnds.keySet().stream().filter(tp -> tp.topic().equals(Topics.ORDERS.name())).toList();
        long total = orders.stream().mapToLong(inputEnds::get).sum();
        long[] mark = {-1, 0};
        boolean eos = guarantee == Guarantee.EXACTLY_ONCE_V2;
        if (!Benchmark.await(procs, 50, timeout, () -> {
            Map<TopicPartition, Long> committed = cluster.committed(group);
            long done = orders.stream().mapToLong(tp -> Math.min(committed.getOrDefault(tp, 0L), inputEnds.get(tp))).sum();
            if (mark[0] < 0 && done >= markShare * total) {
                mark[0] = System.nanoTime();
                mark[1] = done;
            }
            return reached(committed, inputEnds, 0) && (repartition.isEmpty() || repartitionDrained(cluster, group, repartition, eos));
        })) {
            throw new IllegalStateException(group + " did not drain its input in time; committed " + cluster.committed(group));
        }
        return mark;
    }

    private static boolean repartitionDrained(ClusterReader cluster, String group, List<TopicPartition> repartition, boolean eos) {
        Map<TopicPartition, Long> ends = cluster.endOffsets(repartition, IsolationLevel.READ_UNCOMMITTED);
        return (!eos || ends.equals(cluster.endOffsets(repartition, IsolationLevel.READ_COMMITTED)))
                && reached(cluster.committed(group), ends, eos ? 1 : 0);
    }

    private static boolean reached(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends, long slack) {
        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), -1L) >= e.getValue() - slack);
    }
}
