package io.orderpipeline.bench;

import io.orderpipeline.common.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The harness's command line. {@code --help} lists it. */
final class Options {

    static final List<String> PHASES = List.of("throughput", "latency", "http", "restart");
    static final String EOS = "exactly_once_v2";
    static final String ALOS = "at_least_once";
    /** Orders preloaded by the default run (and --full). */
    static final long DEFAULT_ORDERS = 1_000_000;

    static final String USAGE = """
            usage: benchmarks/run [options]            (java -jar benchmarks/target/benchmarks.jar [options])
              (default)                 1M orders, both guarantees at the first commit interval and exactly-once
                                        at the second, short phases, restarts with static membership
              --full                    1M orders, both guarantees at every commit interval, longer phases,
                                        restarts with static and dynamic membership
              --quick                   40k orders, one commit interval, shortest phases: ~3 minutes
              --orders N                orders preloaded into `orders` (default and full 1000000; quick 40000), e.g.
                                        --orders 100000 for a short run
              --customers N             distinct customers in those orders (default 10000)
              --products N              distinct products (default 30)
              --restore-customers N,M   customers in customer-stats' state for the restart test, one restart block per
                                        size (default 100000; quick 20000), e.g. --restore-customers 100000,1000000
              --standbys a,b            restart phase: standby replicas (default 0,1; 0: one instance, 1: two)
              --membership m,n          restart phase: static (each instance its own KAFKA_GROUP_INSTANCE_ID, as
                                        docker-compose.yml runs the stateful services), dynamic (none) (default static;
                                        full static,dynamic)
              --restarts a,b            restart phase: what happens to customer-stats: kill9 (the instance holding the
                                        stateful tasks is killed -9 and started again at once), sigterm (stopped cleanly,
                                        then started again), scale-out (one more instance joins; with --standbys 0 only)
                                        (default kill9), e.g. --restarts kill9,sigterm,scale-out
              --services a,b,...        services to measure (default: all five)
              --only p,q,...            phases: throughput (with the ceilings), latency, http, restart (default: all)
              --guarantees g,h          processing guarantees (default exactly_once_v2,at_least_once; given, or with
                                        --full, each at every commit interval)
              --commit-intervals a,b    commit.interval.ms values (default 100,1000; quick 100); the first is "the default"
              --latency-rate N          orders/s for the latency and HTTP phases (default: 30% of the slowest
                                        service's exactly-once throughput at the first commit interval; 2000 without it)
              --warmup S / --measure S  latency and HTTP phase seconds (default 5/10; full 10/20; quick 3/6)
              --http-rate N             HTTP requests/s (default 500)
              --jvm "FLAGS"             JVM flags of the services and the ceilings (default: the Dockerfile's,
                                        -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError)
              --env KEY=VALUE           extra environment for every service process (repeatable), e.g.
                                        --env KAFKA_PRODUCER_LINGER_MS=5 to try a tuning
              --variant NAME:K=V[,K=V]  a tuning variant (repeatable): in the throughput phase every service run is
                                        repeated with this extra environment, right after the baseline run, e.g.
                                        --variant batch128k:KAFKA_PRODUCER_BATCH_SIZE=131072; the restart phase runs
                                        each variant too, right after its baseline restart (same size, same standbys),
                                        e.g. --variant plain-stores:KAFKA_ENABLE_TRANSACTIONAL_STATESTORES=false
              --repeat N                run each service's throughput block (baseline and variants) N times, interleaved;
                                        the results then add a table of medians
              --label TEXT              a note printed with the results (what this run tries)
              --results FILE            markdown results file (default: benchmarks/RESULTS.md for a run without
                                        options, else benchmarks/target/results.md)
              --repo DIR                the repository (default: the current directory)
            """;

    boolean quick;
    boolean full;
    long orders = -1;
    int customers = 10_000;
    int products = 30;
    List<Integer> restoreCustomers;
    /** The restart phase's standby replicas: 0 (one instance) and/or 1 (two instances). */
    List<Integer> standbys = List.of(0, 1);
    /** The restart phase's events: {@link Restart#KINDS}. */
    List<String> restarts = List.of(Restart.KILL9);
    List<String> services = Topics.SERVICES;
    Set<String> phases = Set.copyOf(PHASES);
    List<String> guarantees = List.of(EOS, ALOS);
    /** Every guarantee at every commit interval; else at-least-once only at the first one. */
    boolean everyGuaranteeAtEveryInterval;
    List<Long> commitIntervals;
    double latencyRate = -1;
    int warmupSeconds = -1;
    int measureSeconds = -1;
    int httpRate = 500;
    int repeat = 1;
    /** The restart phase's memberships: {@code true} static (a group.instance.id per instance), {@code false} dynamic. */
    List<Boolean> staticMembership;
    Map<String, String> env = new LinkedHashMap<>();
    List<String> jvmOptions = Bench.SERVICE_JVM_OPTIONS;
    /** Tuning variants measured next to the baseline in the throughput phase: name to extra environment. */
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    String label = "";
    Path results;
    Path repo = Path.of(".");
    /** The options as given, without --repo. */
    final List<String> args;

    private Options(String[] args) {
        List<String> shown = new ArrayList<>(List.of(args));
        int repo = shown.indexOf("--repo");
        if (repo >= 0 && repo + 1 < shown.size()) {
            shown.subList(repo, repo + 2).clear();
        }
        this.args = List.copyOf(shown);
    }

    static Options parse(String[] args) {
        Options o = new Options(args);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            if (arg.equals("--quick")) {
                o.quick = true;
                continue;
            }
            if (arg.equals("--full")) {
                o.full = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + arg + "\n" + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--orders" -> o.orders = Long.parseLong(value);
                case "--customers" -> o.customers = Integer.parseInt(value);
                case "--products" -> o.products = Integer.parseInt(value);
                case "--restore-customers" -> o.restoreCustomers = list(value).stream().map(Integer::parseInt).toList();
                case "--standbys" -> o.standbys = checked(list(value), List.of("0", "1"), arg).stream().map(Integer::parseInt).toList();
                case "--restarts" -> o.restarts = checked(list(value), Restart.KINDS, arg);
                case "--services" -> o.services = checked(list(value), Topics.SERVICES, arg);
                case "--only" -> o.phases = Set.copyOf(checked(list(value), PHASES, arg));
                case "--guarantees" -> {
                    o.guarantees = checked(list(value), List.of(EOS, ALOS), arg);
                    o.everyGuaranteeAtEveryInterval = true;
                }
                case "--membership" -> o.staticMembership = checked(list(value), List.of("static", "dynamic"), arg).stream()
                        .map("static"::equals).toList();
                case "--commit-intervals" -> o.commitIntervals = list(value).stream().map(Long::parseLong).toList();
                case "--latency-rate" -> o.latencyRate = Double.parseDouble(value);
                case "--warmup" -> o.warmupSeconds = Integer.parseInt(value);
                case "--measure" -> o.measureSeconds = Integer.parseInt(value);
                case "--http-rate" -> o.httpRate = Integer.parseInt(value);
                case "--repeat" -> o.repeat = Integer.parseInt(value);
                case "--jvm" -> o.jvmOptions = Arrays.stream(value.trim().split("\\s+")).filter(f -> !f.isEmpty()).toList();
                case "--env" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--env wants KEY=VALUE, got " + value);
                    }
                    o.env.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--variant" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--variant wants NAME:KEY=VALUE[,KEY=VALUE...], got " + value);
                    }
                    Map<String, String> variantEnv = new LinkedHashMap<>();
                    for (String pair : list(value.substring(colon + 1))) {
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--variant: not KEY=VALUE: " + pair);
                        }
                        variantEnv.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    o.variants.put(value.substring(0, colon), variantEnv);
                }
                case "--label" -> o.label = value;
                case "--results" -> o.results = Path.of(value);
                case "--repo" -> o.repo = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        if (o.results == null) {
            // only a full run with the defaults replaces the committed results
            o.results = o.args.isEmpty() ? o.repo.resolve("benchmarks/RESULTS.md") : o.repo.resolve("benchmarks/target/results.md");
        }
        if (o.quick && o.full) {
            throw new IllegalArgumentException("--quick or --full, not both");
        }
        o.everyGuaranteeAtEveryInterval |= o.full;
        if (o.commitIntervals == null) {
            o.commitIntervals = o.quick ? List.of(100L) : List.of(100L, 1000L);
        }
        if (o.orders < 0) {
            o.orders = o.quick ? 40_000 : DEFAULT_ORDERS;
        }
        if (o.restoreCustomers == null) {
            o.restoreCustomers = List.of(o.quick ? 20_000 : 100_000);
        }
        if (o.warmupSeconds < 0) {
            o.warmupSeconds = o.quick ? 3 : o.full ? 10 : 5;
        }
        if (o.measureSeconds < 0) {
            o.measureSeconds = o.quick ? 6 : o.full ? 20 : 10;
        }
        if (o.staticMembership == null) {
            o.staticMembership = o.full ? List.of(true, false) : List.of(true);
        }
        return o;
    }

    /** The guarantees measured at this commit interval. */
    List<String> guaranteesAt(long commitIntervalMs) {
        if (everyGuaranteeAtEveryInterval || commitIntervalMs == commitIntervals.get(0)) {
            return guarantees;
        }
        return guarantees.stream().filter(EOS::equals).toList();
    }

    Duration warmup() {
        return Duration.ofSeconds(warmupSeconds);
    }

    Duration measure() {
        return Duration.ofSeconds(measureSeconds);
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> checked(List<String> values, List<String> allowed, String option) {
        List<String> result = new ArrayList<>();
        for (String v : values) {
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException(option + ": unknown '" + v + "', one of " + allowed);
            }
            result.add(v);
        }
        return result;
    }
}
