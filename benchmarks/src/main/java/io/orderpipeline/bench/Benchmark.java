package io.orderpipeline.bench;

import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The benchmark harness: one JVM that starts a broker and, one at a time, the services from their
 * jars and the ceiling loops as separate processes, and measures them (see benchmarks/README.md).
 * Every child process is stopped at the end, also on Ctrl-C.
 */
public final class Benchmark {

    static final String COPY_TOPIC = "bench-copy";
    static final String NB_COPY_TOPIC = "bench-nb-copy";
    static final String TX_TOPIC = "bench-tx-filter";
    private static final Map<String, String> OUTPUT = Map.of(
            "order-filter", Topics.HIGH_VALUE_ORDERS.name(),
            "order-enricher", Topics.ENRICHED_ORDERS.name(),
            "customer-stats", Topics.CUSTOMER_STATS.name(),
            "customer-join", Topics.CUSTOMER_ENRICHED_ORDERS.name());

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path workDir = Files.createTempDirectory("orderpipeline-bench-");
        Path logDir = options.repo.resolve("benchmarks").resolve("target").resolve("bench-logs");
        deleteTree(logDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Proc.killAll();
            deleteTree(workDir);
        }, "bench-cleanup"));
        Path benchJar = Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Report report = new Report(options);
        long start = System.nanoTime();

        int port = KafkaBroker.freePort();
        Proc broker = Proc.start("broker", Proc.java(List.of("-Xms1g", "-Xmx1g"), benchJar, BrokerMain.class.getName(),
                workDir.resolve("broker").toString(), String.valueOf(port)), Map.of(), logDir.resolve("broker.log"));
        try {
            broker.await(line -> line.startsWith(BrokerMain.READY), Duration.ofSeconds(90));
            String bootstrap = "127.0.0.1:" + port;
            System.out.println("broker on " + bootstrap + "; logs in " + logDir);
            ContractTopics.create(bootstrap, 3);
            try (Cluster cluster = new Cluster(bootstrap)) {
                cluster.createTopics(List.of(NB_COPY_TOPIC, COPY_TOPIC, TX_TOPIC), 3);
                Bench bench = new Bench(options, cluster, workDir, logDir, benchJar, Long.toString(System.currentTimeMillis() % 100_000, 36));
                bench.broker = broker;
                // every jar this run starts, copied now (Bench.serviceJar): later rebuilds do not reach the run
                options.services.forEach(bench::serviceJar);
                if (options.runs("restart")) {
                    bench.serviceJar("customer-stats");
                }
                try {
                    run(bench, report);
                } finally {
                    report.notes.addAll(bench.notes);
                }
            }
        } finally {
            broker.stop(Duration.ofSeconds(60));
            String markdown = report.markdown();
            System.out.println();
            System.out.println(markdown);
            report.write(options.results);
            System.out.printf("written to %s (%.1f min)%n", options.results, (System.nanoTime() - start) / 60e9);
        }
    }

    private static void run(Bench bench, Report report) {
        Options o = bench.options;
        System.out.println("load average (1/5/15 min) at start: " + Report.loadAverage());
        System.out.printf("preloading %,d orders over %,d customers...%n", o.orders, o.customers);
        bench.preload = Preload.run(bench.cluster, Preload.options(o.orders, o.customers, o.products));
        report.preload = bench.preload;
        System.out.printf("  %,d orders (avg %.0f bytes) and %,d customer records in %.1f s%n", bench.preload.orders(),
                bench.preload.avgOrderBytes(), bench.preload.customerRecords(), bench.preload.elapsed().toMillis() / 1000.0);

        if (o.runs("throughput")) {
            System.out.println("throughput (drain the preloaded orders):");
            Throughput t = new Throughput(bench);
            // the non-blocking copy runs before every other measurement and once at the end: each figure's reference is
            // the mean of the copies right before and after it, which follows the machine's load as it drifts; the
            // blocking copy and the transactional loop are extra rows, at the start and at the end
            Runnable copy = () -> attempt(report, "non-blocking copy", () -> report.throughput.add(
                    t.ceiling(NonBlockingCopy.class, Report.NB_COPY, Options.ALOS, 100, NB_COPY_TOPIC)));
            Runnable extras = () -> {
                attempt(report, "blocking copy", () -> report.throughput.add(
                        t.ceiling(PlainCopy.class, Report.COPY, Options.ALOS, 100, COPY_TOPIC)));
                attempt(report, "transactional loop", () -> report.throughput.add(
                        t.ceiling(TransactionalFilter.class, Report.TX_LOOP, Options.EOS, 100, TX_TOPIC)));
            };
            System.out.println("  (warm-up of the broker: one non-blocking copy, not counted)");
            attempt(report, "warm-up copy", () -> t.ceiling(NonBlockingCopy.class, "warm-up copy", Options.ALOS, 100, NB_COPY_TOPIC));
            copy.run();
            extras.run();
            for (String service : o.services) {
                for (int repeat = 0; repeat < o.repeat; repeat++) {
                    for (long commit : o.commitIntervals) {
                        for (String guarantee : o.guaranteesAt(commit)) {
                            copy.run();
                            attempt(report, service + " " + guarantee + " " + commit, () -> report.throughput.add(
                                    t.service(service, guarantee, commit)));
                            o.variants.forEach((name, env) -> {
                                copy.run();
                                attempt(report, service + " [" + name + "] " + guarantee + " " + commit,
                                        () -> report.throughput.add(t.service(service, guarantee, commit, name, env)));
                            });
                        }
                    }
                }
            }
            copy.run();
            extras.run();
            copy.run();
        }

        double rate = latencyRate(bench, report);
        if (o.runs("latency")) {
            System.out.printf("latency at %,.0f orders/s (exactly-once, default commit interval):%n", rate);
            Latency l = new Latency(bench, rate);
            attempt(report, "non-blocking copy latency", () -> report.latency.add(
                    l.ceiling(NonBlockingCopy.class, Report.NB_COPY, NB_COPY_TOPIC, Latency.EVERY_ORDER)));
            attempt(report, "blocking copy latency", () -> report.latency.add(
                    l.ceiling(PlainCopy.class, Report.COPY, COPY_TOPIC, Latency.EVERY_ORDER)));
            attempt(report, "transactional loop latency", () -> report.latency.add(
                    l.ceiling(TransactionalFilter.class, Report.TX_LOOP, TX_TOPIC, Latency.OVER_100)));
            for (String service : o.services) {
                if (service.equals("product-revenue")) {
                    report.latencyNote = "skipped: it emits each product's hourly window once, after the window end + 5 min grace;"
                            + " that delay is the window by design, not processing latency (its HTTP reads are measured below)";
                    continue;
                }
                Predicate<byte[]> producesOutput = service.equals("order-filter") ? Latency.OVER_100 : Latency.EVERY_ORDER;
                attempt(report, service + " latency", () -> report.latency.add(
                        l.service(service, OUTPUT.get(service), producesOutput)));
            }
        }
        if (o.runs("http")) {
            if (!o.services.contains("product-revenue")) {
                report.httpNote = "Not measured: product-revenue not in --services.";
            } else {
                System.out.printf("HTTP: GET /stats/{product} at %d requests/s, orders at %,.0f/s:%n", o.httpRate, rate);
                attempt(report, "HTTP", () -> report.http.addAll(new HttpBench(bench).run(rate)));
            }
        }
        if (o.runs("restart")) {
            System.out.println("restart after " + String.join(", ", o.restarts) + " (customer-stats):");
            // each variant right after its baseline, at the same size and standbys: side by side in one run
            for (int customers : o.restoreCustomers) {
                for (boolean staticMembership : o.staticMembership) {
                    for (int standbys : o.standbys) {
                        for (String kind : o.restarts) {
                            if (kind.equals(Restart.SCALE_OUT) && standbys > 0) {
                                continue; // from one instance to two
                            }
                            String what = kind + " " + customers + " customers standby " + standbys + (staticMembership ? " static" : " dynamic");
                            attempt(report, what, () -> report.restarts.add(
                                    new Restart(bench).run(kind, standbys, staticMembership, customers, "", Map.of())));
                            o.variants.forEach((name, env) -> attempt(report, what + " [" + name + "]", () -> report.restarts.add(
                                    new Restart(bench).run(kind, standbys, staticMembership, customers, name, env))));
                        }
                    }
                }
            }
        }
    }

    /**
     * The latency rate's share of the slowest service's throughput. Half was too much here: the feed,
     * the output reader and the other users of the 2 cores took the headroom, and customer-stats
     * fell behind (p99 of seconds).
     */
    static final double LATENCY_SHARE = 0.3;

    /**
     * The latency phase's rate: {@code --latency-rate}, else {@link #LATENCY_SHARE} of the slowest measured service's
     * exactly-once throughput at the first commit interval (every service must keep up with the
     * same input), else 2000 orders/s.
     */
    private static double latencyRate(Bench bench, Report report) {
        if (bench.options.latencyRate > 0) {
            return bench.options.latencyRate;
        }
        OptionalDouble slowest = bench.options.services.stream()
                .flatMap(s -> report.find(s, Options.EOS, bench.options.commitIntervals.get(0)).stream())
                .mapToDouble(Throughput.Result::perSecond).min();
        if (slowest.isPresent()) {
            double rate = Math.floor(slowest.getAsDouble() * LATENCY_SHARE / 100) * 100;
            report.notes.add(String.format("Latency rate: %.0f%% of the slowest service's exactly-once throughput (%,.0f records/s), "
                    + "rounded down to 100s: %,.0f orders/s, the same for every subject.", LATENCY_SHARE * 100, slowest.getAsDouble(), rate));
            return Math.max(100, rate);
        }
        report.notes.add("Latency rate: 2000 orders/s (no throughput measured in this run; --latency-rate sets it).");
        return 2000;
    }

    /** Runs one measurement; a failure is reported and the run goes on with the next one. */
    private static void attempt(Report report, String what, Runnable measurement) {
        try {
            measurement.run();
        } catch (RuntimeException e) {
            System.out.println("  FAILED " + what + ": " + e.getMessage());
            report.failures.add(what + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
