package io.orderpipeline.e2e;

import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ClusterReader;
import io.orderpipeline.launch.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole suite for one test: an in-process broker on free ports (data in a temp dir), the
 * contract topics with 3 partitions, a dead-letter topic per application id, and the five
 * services as processes from their jars with the contract's environment variables (processing
 * guarantee left at its default, exactly_once_v2, unless a test overrides it). The
 * application ids are unique per run ({@code <service>-<run id>}); logs stay in
 * {@code e2e-tests/target/e2e/<test>-<run id>/}, state and broker data are deleted on close.
 */
public final class Pipeline implements AutoCloseable {

    public static final int PARTITIONS = 3;
    public static final Duration GRACE = Duration.ofSeconds(2);
    /** product-revenue's IDLE_PARTITION_SECONDS: longer than any test, so no partition goes idle. */
    public static final Duration IDLENESS = Duration.ofHours(1);
    public static final long ALERT_THRESHOLD = 10000;
    public static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    public static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);
    /**
     * Offset lag from which {@link #unconsumed} does not count records: it is then surely not 0 (in a
     * partition, each transaction marker follows at least one record of its transaction).
     */
    private static final long EXACT_BELOW = 1000;
    /** How long a service may take to close after SIGTERM before it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The services' own flags (Service.JVM_OPTIONS) with a small heap, C1 only and no perf data:
     * five services, a broker and the tests share two cores.
     */
    public static final List<String> JVM_OPTIONS = Stream.of(List.of("-Xmx256m"), Service.JVM_OPTIONS,
            List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")).flatMap(List::stream).toList();

    static {
        ServiceProcess.killAllOnExit();
    }

    /** One copy of the service jars per test JVM, deleted when it exits. */
    private static final Path JARS = jarCopies();

    private final String runId;
    private final Path runDir;
    private final Path brokerDir;
    private final KafkaBroker broker;
    private final ExternalCluster external;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final ClusterReader reader;
    private final List<ServiceProcess> extras = new ArrayList<>();

    /**
     * @param test names the log folder
     * @param env  environment added to (or overriding) every service's defaults
     */
    public Pipeline(String test, Map<String, String> env) {
        this(test, env, JVM_OPTIONS);
    }

    /** As {@link #Pipeline(String, Map)}, the services' JVMs started with {@code jvmOptions}. */
    public Pipeline(String test, Map<String, String> env, List<String> jvmOptions) {
        this(test, env, jvmOptions, null);
    }

    /**
     * As {@link #Pipeline(String, Map, List)}, on a cluster the test started (and closes) instead of
     * an in-process broker of its own when {@code external} is not null: topics with its replication
     * factor, the test's clients with its client settings; the services' settings go in {@code env}.
     */
    public Pipeline(String test, Map<String, String> env, List<String> jvmOptions, ExternalCluster external) {
        this.external = external;
        runId = LocalTime.now().format(DateTimeFormatter.ofPattern("HHmmss")) + Long.toString(System.nanoTime() % 1296, 36);
        runDir = projectRoot().resolve("e2e-tests/target/e2e").resolve(test + "-" + runId);
        try {
            Files.createDirectories(runDir);
            brokerDir = Files.createTempDirectory("e2e-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = external == null ? KafkaBroker.startOnFreePort(brokerDir) : null;
        try {
            reader = new ClusterReader(bootstrapServers(), clientProperties(), Duration.ofSeconds(60));
            setUp(env, jvmOptions);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void setUp(Map<String, String> env, List<String> jvmOptions) {
        ContractTopics.create(adminProperties(), PARTITIONS, replicationFactor());
        createTopics(Services.NAMES.stream().map(s -> Topics.deadLetter(applicationId(s))).toList());
        for (Service service : Services.ALL) {
            Map<String, String> serviceEnv = ServiceProcess.env(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(),
                    "APPLICATION_ID", applicationId(service.name()),
                    "STATE_DIR", runDir.resolve("state").resolve(service.name()).toString(),
                    "KAFKA_COMMIT_INTERVAL_MS", "100",
                    "WINDOW_GRACE_SECONDS", String.valueOf(GRACE.toSeconds()),
                    // product-revenue leaves a partition of orders out of its low watermark after this long
                    // without orders (wall clock). The tests pause the input (awaits, restarts, kills, SIGSTOP),
                    // so with the default 30 s which windows close would depend on timing; with an hour no
                    // partition goes idle during a test and every window closes by event time alone, as the
                    // oracle (Expected) computes it.
                    "IDLE_PARTITION_SECONDS", String.valueOf(IDLENESS.toSeconds()),
                    "ALERT_THRESHOLD", String.valueOf(ALERT_THRESHOLD),
                    // a killed member is noticed after 6 s instead of 45 s
                    "KAFKA_SESSION_TIMEOUT_MS", "6000",
                    "KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
            // queries and health on the HTTP port, or health and metrics on a port of their own
            serviceEnv.put(service.http() ? "HTTP_PORT" : "MANAGEMENT_PORT", String.valueOf(KafkaBroker.freePort()));
            serviceEnv.putAll(env);
            services.put(service.name(), process(service.name(), serviceEnv, runDir.resolve(service.name() + ".log"), jvmOptions)
                    .useCopyOfJarIn(JARS));
        }
    }

    public String bootstrapServers() {
        return external == null ? broker.bootstrapServers() : external.bootstrapServers();
    }

    /** The settings the test's clients connect with (none for the in-process broker). */
    public Map<String, String> clientProperties() {
        return external == null ? Map.of() : external.clientProperties();
    }

    private short replicationFactor() {
        return external == null ? 1 : external.replicationFactor();
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    public KafkaBroker broker() {
        return broker;
    }

    public ClusterReader reader() {
        return reader;
    }

    public Path runDir() {
        return runDir;
    }

    public String applicationId(String service) {
        return service + "-" + runId;
    }

    public String deadLetterTopic(String service) {
        return Topics.deadLetter(applicationId(service));
    }

    public ServiceProcess service(String service) {
        return services.get(service);
    }

    public List<ServiceProcess> services() {
        return List.copyOf(services.values());
    }

    public Path stateDir(String service) {
        return Path.of(services.get(service).env().get("STATE_DIR"));
    }

    /**
     * One more instance of {@code service}: same configuration, its own state dir (so its own
     * process id and transactional ids) and log. Not started; closed with the pipeline.
     */
    public ServiceProcess extraInstance(String service, String name) {
        ServiceProcess first = services.get(service);
        Map<String, String> env = new LinkedHashMap<>(first.env());
        env.put("STATE_DIR", runDir.resolve("state").resolve(name).toString());
        for (String port : List.of("HTTP_PORT", "MANAGEMENT_PORT")) {
            if (env.containsKey(port)) {
                env.put(port, String.valueOf(KafkaBroker.freePort()));
            }
        }
        ServiceProcess extra = first.another(env, runDir.resolve(name + ".log"));
        extras.add(extra);
        return extra;
    }

    /** Changes one environment variable of a service that is not running. */
    public ServiceProcess replaceEnv(String service, String name, String value) {
        ServiceProcess old = services.get(service);
        if (old.isAlive()) {
            throw new IllegalStateException(service + " is running");
        }
        ServiceProcess changed = old.withEnv(name, value);
        services.put(service, changed);
        return changed;
    }

    /** Starts every service and waits until each is RUNNING. */
    public void startAll() {
        services.values().forEach(ServiceProcess::start);
        services.values().forEach(s -> s.awaitRunning(START_TIMEOUT));
    }

    /** The input topics of a service, its repartition topics included. */
    public List<String> inputTopics(String service) {
        List<String> topics = new ArrayList<>(Services.named(service).inputNames());
        topics.addAll(reader.repartitionTopics(applicationId(service)));
        return topics;
    }

    /**
     * Committed input records (repartition topics included) that {@code service} has not committed
     * as consumed; far behind (over {@link #EXACT_BELOW} offsets) only the offset lag, an upper
     * bound that needs no read (a backlog of 200,000 orders read every 500 ms would take a core
     * from the service).
     */
    public long unconsumed(String service) {
        long lag = reader.offsetLag(applicationId(service), inputTopics(service));
        return lag > EXACT_BELOW ? lag : reader.unconsumed(applicationId(service), inputTopics(service));
    }

    /**
     * Waits until every service's group has committed everything written to its inputs: under
     * exactly-once, its outputs for all of it are then committed too.
     */
    public void awaitConsumed(Duration timeout) {
        awaitConsumed(timeout, services.keySet());
    }

    /**
     * As {@link #awaitConsumed(Duration)}, for {@code awaited} only (the others may not run). A
     * service may still write after its inputs are committed as consumed: product-revenue's tasks
     * on orders pass their sums and event time downstream on a wall-clock schedule (every 100 ms),
     * in a transaction committed at the next commit. So after any wait it looks again once the
     * longest commit interval + 1 s has passed, and waits again if anything new came.
     */
    public void awaitConsumed(Duration timeout, Collection<String> awaited) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long settle = awaited.stream().mapToLong(s -> Long.parseLong(services.get(s).env().getOrDefault("KAFKA_COMMIT_INTERVAL_MS", "100")))
                .max().orElse(100) + 1000;
        boolean waited;
        do {
            waited = false;
            for (String service : awaited) {
                long left;
                while ((left = unconsumed(service)) > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(service + " still has " + left + " input records to consume after " + timeout
                                + "; see " + services.get(service).log());
                    }
                    waited = true;
                    ServiceProcess.sleep(500);
                }
            }
            if (waited) {
                ServiceProcess.sleep(settle);
            }
        } while (waited);
    }

    public void createTopics(List<String> names) {
        reader.createTopics(names, PARTITIONS, replicationFactor());
    }

    /** Kills what still runs, stops the broker, deletes its data and the services' state; the logs stay. */
    @Override
    public void close() {
        services.values().forEach(ServiceProcess::close);
        extras.forEach(ServiceProcess::close);
        if (reader != null) {
            reader.close();
        }
        if (broker != null) {
            broker.close();
        }
        deleteRecursively(brokerDir);
        deleteRecursively(runDir.resolve("state"));
    }

    private static Path jarCopies() {
        try {
            Path root = projectRoot().resolve("e2e-tests/target/e2e");
            Files.createDirectories(root);
            Path dir = Files.createTempDirectory(root, "jars-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code module}'s jar with {@code env} and {@code jvmOptions}, output to {@code log}; not started. */
    public static ServiceProcess process(String module, Map<String, String> env, Path log, List<String> jvmOptions) {
        return ServiceProcess.ofJar(module, Service.jar(projectRoot(), module), jvmOptions, List.of(), env, log);
    }

    /** The repository root the e2e tests run in (Failsafe sets {@code project.root}). */
    public static Path projectRoot() {
        return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
