package io.orderpipeline.bench;

import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ClusterReader;
import io.orderpipeline.launch.ServiceProcess;
import java.io.IOException;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.*;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.*;

/** The harness: starts a broker, then one at a time the services and ceilings as processes, and measures them (README.md). */
@Command(name = "benchmarks/run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Throughput, latency, HTTP latency and restart time of the services against ceilings on the same broker.")
public final class Benchmark implements Callable<Integer> {

    enum Phase { THROUGHPUT, LATENCY, HTTP, RESTART }

    enum Membership { STATIC, DYNAMIC }

    enum Guarantee {
        EXACTLY_ONCE_V2, AT_LEAST_ONCE;
        String config() {
            return name().toLowerCase();
        }
    }

    @Option(names = "--quick", description = "40k orders, one commit interval, 3/6 s phases, 20k customers in the restart") boolean quick;
    @Option(names = "--full", description = "every guarantee at every commit interval, 10/20 s phases, static and dynamic membership")
    boolean full;
    @Option(names = "--orders", description = "orders preloaded (default 1000000; --quick 40000)") Long orders;
    @Option(names = "--customers", defaultValue = "10000", description = "customers in the orders (${DEFAULT-VALUE})") int customers;
    @Option(names = "--products", defaultValue = "30", description = "products (${DEFAULT-VALUE})") int products;
    @Option(names = "--services", split = ",", description = "services measured (default: all five)") List<String> services = Services.NAMES;
    @Option(names = "--only", split = ",", description = "phases: ${COMPLETION-CANDIDATES} (default: all)")
    Set<Phase> phases = EnumSet.allOf(Phase.class);
    @Option(names = "--guarantees", split = ",", description = "${COMPLETION-CANDIDATES} (default both; at-least-once only at the first"
            + " commit interval unless given or --full)") List<Guarantee> guarantees;
    @Option(names = "--commit-intervals", split = ",", description = "commit.interval.ms (default 100,1000; --quick 100)")
    List<Long> commitIntervals;
    @Option(names = "--repeat", defaultValue = "1", description = "each throughput block N times, adds a table of medians") int repeat;
    @Option(names = "--latency-rate", description = "orders/s of the latency and HTTP phases (default: 30%% of the slowest service's"
            + " exactly-once throughput; 2000 without one)") Double latencyRate;
    @Option(names = "--warmup", description = "latency/HTTP warm-up seconds (default 5; --quick 3, --full 10)") Integer warmup;
    @Option(names = "--measure", description = "latency/HTTP measuring seconds (default 10; --quick 6, --full 20)") Integer measure;
    @Option(names = "--http-rate", defaultValue = "500", description = "HTTP requests/s (${DEFAULT-VALUE})") int httpRate;
    @Option(names = "--restore-customers", split = ",", description = "customers in customer-stats' state, one restart block per size"
            + " (default 100000; --quick 20000)") List<Integer> restoreCustomers;
    @Option(names = "--standbys", split = ",", defaultValue = "0,1", description = "restart: standby replicas, 0 (one instance) and/or 1"
            + " (two) (${DEFAULT-VALUE})") List<Integer> standbys;
    @Option(names = "--membership", split = ",", description = "restart: ${COMPLETION-CANDIDATES} (default static; --full both)")
    List<Membership> membership;
    @Option(names = "--restarts", split = ",", defaultValue = "kill9", description = "restart: kill9, sigterm, scale-out (${DEFAULT-VALUE})")
    List<String> restarts;
    @Option(names = "--jvm", description = "JVM flags of the services and ceilings (default: the flags every launcher gives the"
            + " services, the Dockerfile's)") String jvm;
    @Option(names = "--env", description = "extra environment of every service process (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();
    @Option(names = "--variant", paramLabel = "NAME:K=V[,K=V]", description = "a variant: every throughput and restart measurement repeated"
            + " with this environment right after its baseline (repeatable)") List<String> variantArgs = List.of();
    @Option(names = "--label", defaultValue = "", description = "what this run tries, printed with the results") String label;
    @Option(names = "--results", description = "the results file (default benchmarks/target/results.md)") Path results;
    @Option(names = "--repo", defaultValue = ".", description = "the repository (${DEFAULT-VALUE})") Path repo;

    /** The baseline ("", no extra environment), then each {@code --variant}: its name and extra environment. */
    final Map<String, Map<String, String>> variants = new LinkedHashMap<>(Map.of("", Map.of()));
    final List<String> failures = new ArrayList<>();
    /** The options as given, without --repo (for the report). */
    String args = "";
    ClusterReader cluster;
    ServiceProcess broker;
    Path workDir;
    private Path logDir;
    private Path benchJar;
    private final String runId = Long.toString(System.currentTimeMillis() % 100_000, 36);
    private final AtomicInteger sequence = new AtomicInteger();

    public static void main(String[] args) {
        Benchmark benchmark = new Benchmark();
        benchmark.args = String.join(" ", args).replaceFirst("--repo \\S+ ?", "").trim();
        System.exit(new CommandLine(benchmark).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        resolveDefaults();
        workDir = Files.createTempDirectory("orderpipeline-bench-");
        logDir = repo.resolve("benchmarks/target/bench-logs");
        Utils.delete(logDir.toFile());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServiceProcess.killAll();
            Utils.closeQuietly(() -> Utils.delete(workDir.toFile()), "the work dir " + workDir);
        }, "bench-cleanup"));
        benchJar = Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Instant started = Instant.now();
        String loadAtStart = loadAverage();
        long start = System.nanoTime();
        int port = KafkaBroker.freePort();
        broker = startMain(Broker.class, "broker", List.of("-Xms1g", "-Xmx1g"), Map.of(), workDir.resolve("broker").toString(), "" + port);
        Report report = new Report(this, started, loadAtStart, null, List.of(), List.of(), List.of(), List.of(), List.of());
        try {
            broker.awaitLog(Duration.ofSeconds(90), Broker.READY);
            ContractTopics.create("127.0.0.1:" + port, 3);
            try (ClusterReader c = new ClusterReader("127.0.0.1:" + port)) {
                cluster = c;
                cluster.createTopics(Arrays.stream(Ceiling.Kind.values()).map(k -> k.output).toList(), 3, (short) 1);
                System.out.println("broker on " + cluster.bootstrap() + "; logs in " + logDir + "; load average " + loadAverage());
                services.forEach(s -> service(s, s, Map.of())); // the jars copied now: a rebuild meanwhile changes nothing
                service("customer-stats", "customer-stats", Map.of());
                report = measure(started, loadAtStart);
            }
        } finally {
            broker.stop(Duration.ofSeconds(60));
            Path file = results != null ? results : repo.resolve("benchmarks/target/results.md");
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, report.markdown());
            System.out.printf("%n%s%nwritten to %s (%.1f min)%n", report.markdown(), file, (System.nanoTime() - start) / 60e9);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    private Report measure(Instant started, String loadAtStart) {
        System.out.printf("preloading %,d orders over %,d customers...%n", orders, customers);
        Preload.Result preload = Preload.run(cluster, orders, customers, products);
        List<String> notes = new ArrayList<>();
        List<Throughput.Result> throughput = phases.contains(Phase.THROUGHPUT) ? new Throughput(this, preload).run() : List.of();
        double rate = latencyRate(throughput, notes);
        List<Latency.Result> latency = phases.contains(Phase.LATENCY) ? new Latency(this, rate).run() : List.of();
        List<Http.Result> http = new ArrayList<>();
        if (phases.contains(Phase.HTTP) && services.contains("product-revenue")) {
            attempt("HTTP", () -> new Http(this).run(rate), http::addAll);
        }
        List<Restart.Result> restart = phases.contains(Phase.RESTART) ? new Restart(this).run() : List.of();
        return new Report(this, started, loadAtStart, preload, throughput, latency, http, restart, notes);
    }

    private void resolveDefaults() {
        if (quick && full) {
            throw new ParameterException(new CommandLine(this), "--quick or --full, not both");
        }
        check(services, Services.NAMES, "--services");
        check(restarts, List.of("kill9", "sigterm", "scale-out"), "--restarts");
        check(standbys, List.of(0, 1), "--standbys");
        for (String v : variantArgs) {
            if (!v.matches("[^:]+:[^=,]+=[^,]*(,[^=,]+=[^,]*)*")) { // a value may hold '=' (JAVA_TOOL_OPTIONS=-XX:MaxRAM=1g), not ','
                throw new ParameterException(new CommandLine(this), "--variant wants NAME:KEY=VALUE[,KEY=VALUE]: " + v);
            }
            Map<String, String> variantEnv = new LinkedHashMap<>();
            for (String pair : v.substring(v.indexOf(':') + 1).split(",")) {
                variantEnv.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            variants.put(v.substring(0, v.indexOf(':')), variantEnv);
        }
        jvm = jvm != null ? jvm : String.join(" ", Service.JVM_OPTIONS);
        orders = orders != null ? orders : quick ? 40_000L : 1_000_000L;
        commitIntervals = commitIntervals != null ? commitIntervals : quick ? List.of(100L) : List.of(100L, 1000L);
        restoreCustomers = restoreCustomers != null ? restoreCustomers : List.of(quick ? 20_000 : 100_000);
        warmup = warmup != null ? warmup : quick ? 3 : full ? 10 : 5;
        measure = measure != null ? measure : quick ? 6 : full ? 20 : 10;
        membership = membership != null ? membership : full ? List.of(Membership.values()) : List.of(Membership.STATIC);
    }

    private void check(List<?> values, List<?> allowed, String option) {
        values.stream().filter(v -> !allowed.contains(v)).findFirst().ifPresent(v -> {
            throw new ParameterException(new CommandLine(this), option + ": unknown '" + v + "', one of " + allowed);
        });
    }

    /** The guarantees measured at a commit interval: at-least-once only at the first, unless --guarantees or --full. */
    List<Guarantee> guaranteesAt(long commitMs) {
        return guarantees != null ? guarantees
                : full || commitMs == commitIntervals.get(0) ? List.of(Guarantee.values()) : List.of(Guarantee.EXACTLY_ONCE_V2);
    }

    /**
     * {@code --latency-rate}, else 30% of the slowest service's exactly-once throughput at the first commit interval
     * (every subject gets the same input; at 50% customer-stats fell behind once the feed and the reader shared the cores).
     */
    private double latencyRate(List<Throughput.Result> throughput, List<String> notes) {
        if (latencyRate != null) {
            return latencyRate;
        }
        var slowest = throughput.stream().filter(r -> services.contains(r.subject()) && r.guarantee() == Guarantee.EXACTLY_ONCE_V2
                && r.commitIntervalMs() == commitIntervals.get(0)).mapToDouble(Throughput.Result::perSecond).min();
        double rate = slowest.isPresent() ? Math.max(100, Math.floor(slowest.getAsDouble() * 0.3 / 100) * 100) : 2000;
        notes.add(slowest.isPresent() ? String.format("Latency rate: 30%% of the slowest service's exactly-once throughput (%,.0f records/s),"
                + " rounded down to 100s: %,.0f orders/s, the same for every subject.", slowest.getAsDouble(), rate)
                : "Latency rate: 2000 orders/s (no throughput measured in this run).");
        return rate;
    }

    /** Runs one measurement and hands its result on; a failure is printed and listed, and the run goes on. */
    <T> void attempt(String what, Supplier<T> measurement, Consumer<T> onResult) {
        try {
            onResult.accept(measurement.get()); // onResult only adds to a list
        } catch (RuntimeException e) {
            System.out.println("  FAILED " + what + ": " + e.getMessage());
            failures.add(what + ": " + e.getMessage());
        }
    }

    /** Polls {@code done} every {@code periodMs}, {@code procs} alive; false if it is still not done after {@code timeout}. */
    static boolean await(Collection<ServiceProcess> procs, long periodMs, Duration timeout, BooleanSupplier done) {
        for (long deadline = System.nanoTime() + timeout.toNanos(); !done.getAsBoolean(); ServiceProcess.sleep(periodMs)) {
            procs.forEach(ServiceProcess::requireAlive);
            if (System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    /** {@code body} with a started subject; then it is stopped (SIGTERM: no transaction left open) and its topics deleted. */
    <T> T using(ServiceProcess proc, String appId, Function<ServiceProcess, T> body) {
        try {
            return body.apply(proc);
        } finally {
            proc.stop(Duration.ofSeconds(40));
            cluster.deleteAppTopics(appId);
        }
    }

    /** A fresh application id (also the group and the prefix of its internal topics). */
    String newAppId(String what) {
        return "bench-" + runId + "-" + sequence.incrementAndGet() + "-" + what;
    }

    /**
     * A service's environment: its state dir and HTTP port, the guarantee and commit interval (0: the default), {@code before},
     * --env, {@code after} (a variant's, say).
     */
    Map<String, String> serviceEnv(String appId, Guarantee guarantee, long commitMs, Map<String, String> before, Map<String, String> after) {
        int httpPort = KafkaBroker.freePort();
        Map<String, String> e = ServiceProcess.env("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrap(), "APPLICATION_ID", appId,
                "STATE_DIR", workDir.resolve("state").resolve(appId).toString(), "HTTP_PORT", "" + httpPort,
                "APPLICATION_SERVER", "127.0.0.1:" + httpPort, "PROCESSING_GUARANTEE", guarantee.config());
        if (commitMs > 0) {
            e.put("KAFKA_COMMIT_INTERVAL_MS", "" + commitMs);
        }
        e.putAll(before);
        e.putAll(env);
        e.putAll(after);
        return e;
    }

    /** A service from (a copy of) its jar as its container runs it (the Dockerfile's JVM flags); not started, its dead-letter topic made. */
    ServiceProcess service(String service, String logName, Map<String, String> serviceEnv, String... extraJvmFlags) {
        if (serviceEnv.containsKey("APPLICATION_ID")) {
            cluster.createTopics(List.of(Topics.deadLetter(serviceEnv.get("APPLICATION_ID"))), 3, (short) 1);
        }
        List<String> flags = new ArrayList<>(jvmFlags());
        flags.addAll(List.of(extraJvmFlags));
        return ServiceProcess.ofJar(logName, Service.jar(repo, service), flags, List.of(), serviceEnv,
                logDir.resolve(logName + ".log")).useCopyOfJarIn(workDir.resolve("jars"));
    }

    /** One of this module's mains in its own JVM. */
    ServiceProcess startMain(Class<?> main, String logName, List<String> jvmFlags, Map<String, String> env, String... args) {
        Path log = logDir.resolve(logName + ".log");
        return ServiceProcess.ofMain(logName, benchJar, main.getName(), jvmFlags, List.of(args), env, log).start();
    }

    ServiceProcess startCeiling(Ceiling.Kind kind, String group, long commitMs, String reset) {
        return startMain(Ceiling.class, group, jvmFlags(), Map.of(), kind.name(), cluster.bootstrap(), group,
                Topics.ORDERS.name(), kind.output, "" + commitMs, reset);
    }

    List<String> jvmFlags() {
        return List.of(jvm.trim().split("\\s+"));
    }

    static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The broker in its own JVM: {@code Benchmark$Broker <data dir> <port>} starts {@link KafkaBroker}, prints {@value #READY}. */
    public static final class Broker {
        static final String READY = "BROKER READY";

        public static void main(String[] args) throws InterruptedException {
            KafkaBroker broker = KafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
            System.out.println(READY + " " + broker.bootstrapServers());
            Thread.currentThread().join();
        }
    }
}
