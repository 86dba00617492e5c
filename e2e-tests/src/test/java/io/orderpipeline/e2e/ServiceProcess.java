package io.orderpipeline.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One service run the way users run it: {@code java -jar <root>/<module>/target/<module>.jar},
 * configured only by environment variables, stdout and stderr appended to a log file. The same
 * object can be started again after {@link #stop()} or {@link #kill()}; {@link #waitForLog} only
 * looks at what the current run wrote. Every process still alive when the test JVM exits is killed.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Kafka Streams' own line when the client is RUNNING. */
    public static final String STREAMS_RUNNING = "State transition from REBALANCING to RUNNING";
    /** The line StreamsApp (common-model) logs for the same transition. */
    public static final String APP_RUNNING = "state REBALANCING -> RUNNING";
    /** Small heap, one GC thread, C1 only: five services, a broker and the tests share two cores. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private static final Set<ServiceProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ServiceProcess::close), "service-process-reaper"));
    }

    private final String module;
    private Path jar;
    private final Map<String, String> env;
    private final Path log;
    private final List<String> jvmOptions;
    private Process process;
    private long logStart;
    private int runs;

    /**
     * @param root the repository root (system property {@code project.root} in the e2e tests)
     * @param env the service's whole configuration; inherited {@code KAFKA_*} and contract variables are dropped
     * @param log where stdout and stderr go (appended; each run starts with a marker line)
     */
    public ServiceProcess(Path root, String module, Map<String, String> env, Path log) {
        this(root, module, env, log, DEFAULT_JVM_OPTIONS);
    }

    public ServiceProcess(Path root, String module, Map<String, String> env, Path log, List<String> jvmOptions) {
        this.module = module;
        this.jar = root.resolve(module).resolve("target").resolve(module + ".jar");
        this.env = Map.copyOf(env);
        this.log = log;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Runs from a copy of the jar in {@code dir} from now on (made now unless {@code dir} already has
     * one), so that a rebuild of the module while the test runs (other people build on the same
     * machine) cannot swap classes under a running JVM.
     */
    public synchronized ServiceProcess useCopyOfJarIn(Path dir) {
        Path copy = dir.resolve(jar.getFileName());
        if (Files.isRegularFile(copy)) {
            jar = copy;
            return this;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(dir);
                java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(jar);
                if (before.toMillis() > System.currentTimeMillis() - 5000) {
                    throw new IOException(jar + " was written in the last 5 s");
                }
                Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if (!Files.getLastModifiedTime(jar).equals(before)) {
                    throw new IOException(jar + " changed while being copied");
                }
                checkRunnable(copy);
                jar = copy;
                return this;
            } catch (IOException e) {
                // most likely being rebuilt right now
                if (attempt == 20) {
                    throw new IllegalStateException("Cannot use " + jar + " (build it with mvn -B -q install -DskipTests): " + e, e);
                }
                sleep(3000);
            }
        }
    }

    /** A complete runnable jar: a Main-Class that is in it, and Kafka Streams. */
    private static void checkRunnable(Path jar) throws IOException {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            String main = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null || file.getEntry(main.replace('.', '/') + ".class") == null
                    || file.getEntry("org/apache/kafka/streams/KafkaStreams.class") == null) {
                throw new IOException(jar + " is not a complete runnable jar (Main-Class " + main + ")");
            }
        }
    }

    /** A new, not started process of the same jar and options with one environment variable changed. */
    public ServiceProcess withEnv(String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(env);
        changed.put(name, value);
        ServiceProcess copy = new ServiceProcess(Path.of("."), module, changed, log, jvmOptions);
        copy.jar = jar;
        return copy;
    }

    /** The repository root the e2e tests run in (Failsafe sets {@code project.root}). */
    public static Path projectRoot() {
        return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    public String module() {
        return module;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    public Map<String, String> env() {
        return env;
    }

    public Path log() {
        return log;
    }

    /** Starts a new run (the previous one must have ended). */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(module + " is already running (pid " + process.pid() + ")");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No runnable jar " + jar + ": build it with mvn -B -q install -DskipTests");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("KAFKA_") || CONTRACT_VARIABLES.contains(name));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            runs++;
            Files.writeString(log, "===== " + Instant.now() + " run " + runs + " of " + module + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logStart = Files.size(log);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + module, e);
        }
        LIVE.add(this);
        return this;
    }

    private static final Set<String> CONTRACT_VARIABLES = Set.of("APPLICATION_ID", "STATE_DIR", "HTTP_PORT", "MANAGEMENT_PORT",
            "APPLICATION_SERVER", "PROCESSING_GUARANTEE", "NUM_STANDBY_REPLICAS", "ALERT_THRESHOLD", "WINDOW_GRACE_SECONDS",
            "IDLE_PARTITION_SECONDS");

    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The current size of the log: pass it to {@link #waitForLog(long, Duration, String...)} to wait for a later line. */
    public long logPosition() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the current run is RUNNING (Kafka Streams' line or StreamsApp's). */
    public ServiceProcess waitForRunning(Duration timeout) {
        return waitForLog(timeout, STREAMS_RUNNING, APP_RUNNING);
    }

    /** Waits until the current run's output holds any of {@code anyOf}. */
    public ServiceProcess waitForLog(Duration timeout, String... anyOf) {
        return waitForLog(logStart, timeout, anyOf);
    }

    /**
     * Waits until the log, from byte {@code from} on, holds any of {@code anyOf}; fails with the
     * log's tail when the process exits first or the timeout passes.
     */
    public ServiceProcess waitForLog(long from, Duration timeout, String... anyOf) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = logSince(from);
            for (String s : anyOf) {
                if (text.contains(s)) {
                    return this;
                }
            }
            if (!isAlive()) {
                throw new AssertionError(module + " exited (" + exitDescription() + ") before logging "
                        + List.of(anyOf) + "; log tail:\n" + tail(text, 40));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(module + " did not log " + List.of(anyOf) + " within " + timeout
                        + "; log tail:\n" + tail(text, 40));
            }
            sleep(200);
        }
    }

    /** What the current run wrote so far. */
    public String output() {
        return logSince(logStart);
    }

    /** What the log holds from byte {@code from} on (see {@link #logPosition()}). */
    public String logSince(long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, then waits for the clean shutdown; returns the exit code (143 after a JVM's orderly SIGTERM exit). */
    public synchronized int stop() {
        if (process == null) {
            throw new IllegalStateException(module + " was never started");
        }
        resume(); // a stopped process cannot handle SIGTERM
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(module + " did not stop within " + STOP_TIMEOUT + " of SIGTERM; killed it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            LIVE.remove(this);
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, no clean close, an open transaction stays open. Waits until it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.toHandle().destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        LIVE.remove(this);
    }

    /** SIGSTOP: the process freezes (no heartbeats, no commits) until {@link #resume()}. */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** SIGCONT. */
    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (!isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String exitDescription() {
        return process == null || process.isAlive() ? "still running" : "exit code " + process.exitValue();
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return module + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            out.append(all[i]).append('\n');
        }
        return out.toString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An environment map in insertion order, for building a service's configuration. */
    public static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }
}
