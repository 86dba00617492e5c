package io.orderpipeline.local;

import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import io.orderpipeline.launch.ServiceProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./run-local}: the whole suite on this machine. A real Kafka broker in this JVM on
 * 127.0.0.1:9092 (data in {@code .local-stack/kafka}), the contract topics, the five services and
 * the data generator as child processes ({@code java -jar}, logs in {@code .local-stack/logs},
 * state in {@code .local-stack/state}),
 * and a live status block every two seconds. Ctrl-C stops the generator, then the services, then
 * the broker. Runs in the repository root; arguments go to the data generator.
 */
public final class LocalStack {

    static final int BROKER_PORT = 9092;
    static final String BOOTSTRAP_SERVERS = "127.0.0.1:" + BROKER_PORT;
    static final int PARTITIONS = 3;
    static final String GENERATOR = "data-generator";
    /** The generator's defaults here; the user's arguments replace them option by option. */
    static final List<String> GENERATOR_DEFAULTS =
            List.of("--rate", "50", "--customers", "1000", "--products", "20", "--bad-ratio", "0.01");
    /** The services' own flags (Service.JVM_OPTIONS) with a 512 MB heap. */
    static final List<String> SERVICE_JVM_OPTIONS =
            Stream.concat(Stream.of("-Xmx512m"), Service.JVM_OPTIONS.stream()).toList();
    /** The settings docker-compose.yml gives these services on top of the common ones. */
    static final Map<String, Map<String, String>> EXTRA_ENV = Map.of(
            Services.CUSTOMER_STATS.name(), Map.of("ALERT_THRESHOLD", "10000"),
            Services.PRODUCT_REVENUE.name(), Map.of("WINDOW_GRACE_SECONDS", "300", "DASHBOARD_SERVICES", dashboardServices()));
    static final List<String> GENERATOR_JVM_OPTIONS = List.of("-Xmx256m");
    static final Duration SERVICE_STOP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(2);

    private final Path root;
    private final Path home;
    private final PrintStream out = System.out;
    private final Object lock = new Object();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch runDone = new CountDownLatch(1);
    private final List<ServiceProcess> services = new ArrayList<>();
    private boolean stopping;
    private KafkaBroker broker;
    private ServiceProcess generator;

    private LocalStack(Path root) {
        this.root = root;
        this.home = root.resolve(".local-stack");
    }

    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        if (arguments.contains("-h") || arguments.contains("--help")) {
            System.out.println(usage());
            return;
        }
        if (arguments.equals(List.of("--modules"))) { // for run-local: the jars it needs built
            modules().forEach(System.out::println);
            return;
        }
        Path root = Path.of("").toAbsolutePath();
        try {
            List<String> generatorArgs = generatorArgs(arguments);
            Map<Integer, String> ports = requiredPorts();
            Optional<Integer> busy = Ports.firstInUse(List.copyOf(ports.keySet()));
            if (busy.isPresent()) {
                throw new IllegalStateException("port " + busy.get() + " (" + ports.get(busy.get()) + ") is already in use:"
                        + " stop what listens on it (a ./run-local still running?) and try again");
            }
            List<Path> missing = requiredJars(root).stream().filter(jar -> !Files.isRegularFile(jar)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("missing " + root.relativize(missing.get(0))
                        + ": build first with mvn -B -q package -DskipTests (./run-local does)");
            }
            Path home = root.resolve(".local-stack");
            prepare(home, root);
            // before anything logs: this process's log goes to a file, the terminal shows the status
            System.setProperty("local.stack.log", home.resolve("logs").resolve("local-stack.log").toString());
            System.setProperty("logback.configurationFile", "local-stack-logback.xml");
            try {
                new LocalStack(root).run(generatorArgs);
            } catch (RuntimeException e) {
                throw new IllegalStateException(e.getMessage() + " (see .local-stack/logs/local-stack.log)", e);
            }
        } catch (RuntimeException e) {
            System.err.println("local-stack: " + e.getMessage());
            System.exit(1); // the shutdown hook stops whatever was started
        }
    }

    static String usage() {
        return "usage: ./run-local [data-generator options]\n"
                + "  Runs a Kafka broker on 127.0.0.1:9092, the five services (HTTP on 8080-8084) and the data\n"
                + "  generator, and shows their status until Ctrl-C. Options go to the data generator and replace\n"
                + "  its defaults here (" + String.join(" ", GENERATOR_DEFAULTS) + "), e.g. ./run-local --rate 200 --seed 7";
    }

    /** The broker's port and every service's HTTP port (queries, or health and metrics), with what each is for. */
    static Map<Integer, String> requiredPorts() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(BROKER_PORT, "the Kafka broker");
        Services.ALL.forEach(s -> ports.put(s.localPort(), s.name() + (s.http() ? " HTTP" : " health and metrics")));
        return ports;
    }

    /** The modules whose jars the stack runs: the services and the data generator. */
    static List<String> modules() {
        List<String> modules = new ArrayList<>(Services.NAMES);
        modules.add(GENERATOR);
        return modules;
    }

    static List<Path> requiredJars(Path root) {
        return modules().stream().map(module -> Service.jar(root, module)).toList();
    }

    /**
     * The environment a service is started with: the settings of docker-compose.yml (its port on
     * the host as its HTTP port, or for a service without queries as its management port).
     */
    static Map<String, String> environment(Service service, String bootstrapServers, Path stateRoot) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("APPLICATION_ID", service.name());
        env.put("STATE_DIR", stateRoot.resolve(service.name()).toAbsolutePath().toString());
        env.put("PROCESSING_GUARANTEE", "exactly_once_v2");
        env.put("NUM_STANDBY_REPLICAS", "0");
        env.put("KAFKA_REPLICATION_FACTOR", "1");
        if (service.http()) {
            env.put("HTTP_PORT", String.valueOf(service.localPort()));
            env.put("APPLICATION_SERVER", "localhost:" + service.localPort());
        } else {
            env.put("MANAGEMENT_PORT", String.valueOf(service.localPort()));
        }
        env.putAll(EXTRA_ENV.getOrDefault(service.name(), Map.of()));
        return env;
    }

    /** The dashboard at http://localhost:8080/ asks every service's health and metrics. */
    private static String dashboardServices() {
        return String.join(",", Services.ALL.stream().map(s -> s.name() + "="
                + (s == Services.PRODUCT_REVENUE ? "self" : "http://localhost:" + s.localPort())).toList());
    }

    /**
     * The data generator's arguments: the local broker, then each default the user did not give,
     * then the user's arguments.
     */
    static List<String> generatorArgs(List<String> userArgs) {
        if (userArgs.stream().anyMatch(a -> a.equals("--bootstrap-server") || a.startsWith("--bootstrap-server="))) {
            throw new IllegalArgumentException("the local stack's generator always writes to " + BOOTSTRAP_SERVERS
                    + "; to feed another cluster, run java -jar data-generator/target/data-generator.jar --bootstrap-server ...");
        }
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", BOOTSTRAP_SERVERS));
        for (int i = 0; i < GENERATOR_DEFAULTS.size(); i += 2) {
            String option = GENERATOR_DEFAULTS.get(i);
            if (userArgs.stream().noneMatch(a -> a.equals(option) || a.startsWith(option + "="))) {
                args.add(option);
                args.add(GENERATOR_DEFAULTS.get(i + 1));
            }
        }
        args.addAll(userArgs);
        return args;
    }

    /**
     * A fresh broker every time, so the services' local state is wiped with it; logs are
     * overwritten. The jars are run from copies in {@code .local-stack/jars}, so a {@code mvn
     * package} while the stack runs does not pull a jar from under a running service.
     */
    private static void prepare(Path home, Path root) {
        try {
            deleteRecursively(home.resolve("kafka"));
            deleteRecursively(home.resolve("state"));
            deleteRecursively(home.resolve("jars"));
            Files.createDirectories(home.resolve("logs"));
            Files.createDirectories(home.resolve("state"));
            Files.createDirectories(home.resolve("jars"));
            for (Path jar : requiredJars(root)) {
                Files.copy(jar, home.resolve("jars").resolve(jar.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + home + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void run(List<String> generatorArgs) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "local-stack-shutdown"));
        try {
            start(generatorArgs);
        } finally {
            runDone.countDown();
        }
    }

    private void start(List<String> generatorArgs) {
        Instant started = Instant.now();
        say("Starting a Kafka broker (KRaft, single node) on " + BOOTSTRAP_SERVERS + ", data in .local-stack/kafka ...");
        synchronized (lock) {
            if (stopping) {
                return;
            }
            broker = KafkaBroker.start(home.resolve("kafka"), BROKER_PORT);
        }
        ContractTopics.create(BOOTSTRAP_SERVERS, PARTITIONS);
        say("Created the contract topics (" + PARTITIONS + " partitions each, customers compacted, one -dlq per service).");
        for (Service service : Services.ALL) {
            synchronized (lock) {
                if (stopping) {
                    return;
                }
                services.add(start(ServiceProcess.ofJar(service.name(), jar(service.name()), SERVICE_JVM_OPTIONS, List.of(),
                        environment(service, BOOTSTRAP_SERVERS, home.resolve("state")), log(service.name()))));
            }
        }
        say("Started " + String.join(", ", Services.NAMES) + " (logs in .local-stack/logs/).");
        synchronized (lock) {
            if (stopping) {
                return;
            }
            generator = start(ServiceProcess.ofJar(GENERATOR, jar(GENERATOR), GENERATOR_JVM_OPTIONS, generatorArgs, Map.of(),
                    log(GENERATOR)));
        }
        say("Started the data generator: " + String.join(" ", generatorArgs));
        say("");
        statusLoop(started);
    }

    /** Starts {@code process} in the repository root, its log overwritten. */
    private ServiceProcess start(ServiceProcess process) {
        try {
            Files.deleteIfExists(process.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return process.inDirectory(root).start();
    }

    /** The copy of a module's jar this run uses. */
    private Path jar(String module) {
        return home.resolve("jars").resolve(module + ".jar");
    }

    private Path log(String name) {
        return home.resolve("logs").resolve(name + ".log");
    }

    /** Prints the status block every two seconds until shutdown; redraws it in place on a terminal. */
    private void statusLoop(Instant started) {
        boolean redraw = System.console() != null;
        int printed = 0;
        try (StatusProbe probe = new StatusProbe(BOOTSTRAP_SERVERS, URI.create("http://localhost:8080/revenue"))) {
            do {
                List<String> lines = StatusView.render(status(probe, started));
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                    if (redraw && printed > 0) {
                        out.print("\033[" + printed + "F\033[J"); // back to the block's first line, clear below
                    } else if (printed > 0) {
                        out.println();
                    }
                    lines.forEach(out::println);
                    out.flush();
                }
                printed = lines.size();
            } while (!stopRequested.await(STATUS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Status status(StatusProbe probe, Instant started) {
        List<Status.Service> serviceStatus = new ArrayList<>();
        for (int i = 0; i < Services.ALL.size(); i++) {
            Service service = Services.ALL.get(i);
            serviceStatus.add(new Status.Service(child(services.get(i)), service.http() ? service.localPort() : 0,
                    probe.lag(service.name(), service.inputNames()), ServiceProcess.readiness(service.localPort())));
        }
        return new Status(Duration.between(started, Instant.now()), BOOTSTRAP_SERVERS, probe.ordersProduced(),
                child(generator), serviceStatus, probe.alertsRaised(), probe.topProducts(3), probe.alertedCustomer());
    }

    private Status.Child child(ServiceProcess process) {
        return new Status.Child(process.name(), process.exitCode(), root.relativize(process.log()).toString());
    }

    /** The shutdown hook: the generator, then the services (SIGTERM, then kill after 30 s), then the broker. */
    private void shutdown() {
        synchronized (lock) {
            stopping = true;
        }
        stopRequested.countDown();
        try {
            runDone.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        say("");
        if (generator != null) {
            say("Stopping the data generator ...");
            generator.stop(SERVICE_STOP_TIMEOUT);
        }
        if (!services.isEmpty()) {
            say("Stopping the services (up to " + SERVICE_STOP_TIMEOUT.toSeconds() + " s) ...");
            services.forEach(ServiceProcess::terminate);
            Instant deadline = Instant.now().plus(SERVICE_STOP_TIMEOUT);
            for (ServiceProcess service : services) {
                if (service.awaitExitOrKill(Duration.between(Instant.now(), deadline)) == ServiceProcess.SIGKILL_EXIT) {
                    say("  " + service.name() + " did not stop in time: killed");
                }
            }
        }
        if (broker != null) {
            say("Stopping the broker ...");
            broker.stop();
        }
        say("Stopped. Logs are in .local-stack/logs/.");
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
