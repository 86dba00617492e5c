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
    record Result(String subject, String guarantee, long commitIntervalMs, long records, double seconds,
            double startupSeconds) {

        double perSecond() {
            return records / seconds;
        }
    }

    private final Bench bench;

    Throughput(Bench bench) {
        this.bench = bench;
    }

    /** A service from its jar, with a fresh application id, draining the preloaded input. */
    Result service(String service, String guarantee, long commitIntervalMs) {
        String appId = bench.newAppId(service + "-" + shortName(guarantee) + "-" + commitIntervalMs);
        Map<String, String> env = bench.serviceEnv(appId, guarantee, commitIntervalMs);
        Proc proc = bench.startService(service, appId, env);
        try {
            return drain(proc, service, appId, guarantee, commitIntervalMs, inputs(service), true);
        } finally {
            proc.stop(Duration.ofSeconds(40));
            bench.cluster.deleteAppTopics(appId);
        }
    }

    /** A ceiling loop ({@link PlainCopy} or {@link TransactionalFilter}) in its own JVM. */
    Result ceiling(Class<?> main, String subject, String guarantee, long commitIntervalMs, String output) {
        String group = bench.newAppId(main.getSimpleName().toLowerCase());
        Proc proc = bench.startMain(main, group, List.of(), bench.bootstrap(), group, "orders", output,
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
        long done = Drain.await(bench.cluster, List.of(proc), group, inputEnds, repartition, guarantee.equals(Options.EOS),
                running.nanos() + timeout.toNanos());
        double seconds = (done - running.nanos()) / 1e9;
        double startup = (running.nanos() - proc.startNanos()) / 1e9;
        Result result = new Result(subject, guarantee, commitIntervalMs, bench.preload.orders(), seconds, startup);
        System.out.printf("  %-28s %-16s commit %5d ms: %,9.0f records/s (%.1f s; running after %.1f s)%n",
                subject, guarantee, commitIntervalMs, result.perSecond(), seconds, startup);
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
