package io.orderpipeline.launch;

import io.orderpipeline.common.EnvVariable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.jar.JarFile;

/**
 * A JVM child process run the way users run the services: {@code java [jvm options] -jar <jar>
 * [args]} (or {@code -cp <jar> <main class>}), configured by environment variables only (inherited
 * {@code KAFKA_*} and contract variables are dropped), stdout and stderr appended to a log file
 * and kept, the latest {@value #KEPT_LINES} lines, with the time each was read. The same object can
 * be started again after {@link #stop(Duration)} or {@link #kill()}. With {@link #killAllOnExit()},
 * every process still alive when this JVM exits is killed. Used by the local stack, the end-to-end
 * tests and the benchmark.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Kafka Streams' own line when the client is RUNNING. */
    public static final String STREAMS_RUNNING = "State transition from REBALANCING to RUNNING";
    /** The line StreamsApp logs for the same transition. */
    public static final String APP_RUNNING = "state REBALANCING -> RUNNING";
    /** The exit code of a JVM that ended on SIGTERM (its shutdown hooks ran). */
    public static final int SIGTERM_EXIT = 143;
    /** The exit code of a process killed by SIGKILL. */
    public static final int SIGKILL_EXIT = 137;
    /** Lines of output kept in memory (the log file has them all). */
    static final int KEPT_LINES = 100_000;
    private static final Set<ServiceProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(1500)).build();

    private static final AtomicBoolean REAPER = new AtomicBoolean();

    /**
     * The variables a child never inherits from this JVM's environment, only gets from its caller:
     * every {@code KAFKA_*} and every declared variable but {@code LOG_LEVEL} (so
     * {@code LOG_LEVEL=DEBUG ./run-local} reaches every service, and a port or a credential in the
     * developer's shell reaches none).
     */
    static boolean callerOnly(String variable) {
        return variable.startsWith(EnvVariable.KAFKA_PREFIX)
                || EnvVariable.named(variable).filter(declared -> declared != EnvVariable.LOG_LEVEL).isPresent();
    }

    /** A line of output and when it was read ({@link System#nanoTime()}). */
    public record Line(long nanos, String text) {
    }

    private final String name;
    private final String mainClass;
    private final List<String> jvmOptions;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path log;
    private final Path workDir;
    private Path jar;
    /** Instead of the jar: a class path ({@link #ofClasspath}). */
    private final String classpath;
    private volatile Process process;
    private volatile Thread pump;
    private volatile long startNanos;
    private int runs;
    /** The kept lines: {@code lines.peekFirst()} is line number {@code firstLine} (counted over every run). */
    private final Deque<Line> lines = new ArrayDeque<>();
    private long firstLine;
    private volatile long runFirstLine;

    private ServiceProcess(String name, Path jar, String classpath, String mainClass, List<String> jvmOptions, List<String> args,
            Map<String, String> env, Path log, Path workDir) {
        this.name = name;
        this.jar = jar;
        this.classpath = classpath;
        this.mainClass = mainClass;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.args = List.copyOf(args);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        this.log = log;
        this.workDir = workDir;
    }

    /**
     * {@code java jvmOptions -jar jar args} with {@code env}, output appended to {@code log}; not started.
     * {@code name} names it in messages and logs (a service's module, or an instance's name).
     */
    public static ServiceProcess ofJar(String name, Path jar, List<String> jvmOptions, List<String> args, Map<String, String> env,
            Path log) {
        return new ServiceProcess(name, jar, null, null, jvmOptions, args, env, log, null);
    }

    /** {@code java jvmOptions -cp jar mainClass args}; not started. */
    public static ServiceProcess ofMain(String name, Path jar, String mainClass, List<String> jvmOptions, List<String> args,
            Map<String, String> env, Path log) {
        return new ServiceProcess(name, jar, null, mainClass, jvmOptions, args, env, log, null);
    }

    /** {@code java jvmOptions -cp classpath mainClass args} (kafka-broker's {@code KafkaCluster} nodes: this JVM's class path); not started. */
    public static ServiceProcess ofClasspath(String name, String classpath, String mainClass, List<String> jvmOptions, List<String> args,
            Map<String, String> env, Path log) {
        return new ServiceProcess(name, null, classpath, mainClass, jvmOptions, args, env, log, null);
    }

    /** The same process (not started) run in {@code dir}. */
    public ServiceProcess inDirectory(Path dir) {
        return new ServiceProcess(name, jar, classpath, mainClass, jvmOptions, args, env, log, dir);
    }

    /** A new, not started process of the same jar, options and log with one environment variable changed. */
    public ServiceProcess withEnv(String variable, String value) {
        Map<String, String> changed = new LinkedHashMap<>(env);
        changed.put(variable, value);
        return new ServiceProcess(name, jar, classpath, mainClass, jvmOptions, args, changed, log, workDir);
    }

    /** A new, not started process of the same jar and options with {@code env} and {@code log}: another instance. */
    public ServiceProcess another(Map<String, String> env, Path log) {
        return new ServiceProcess(name, jar, classpath, mainClass, jvmOptions, args, env, log, workDir);
    }

    /**
     * Runs from a copy of the jar in {@code dir} from now on (made now unless {@code dir} already has
     * one), so that a rebuild of the module while this runs (others build on the same machine) cannot
     * swap classes under a running JVM. Waits out a jar being written.
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
                FileTime before = Files.getLastModifiedTime(jar);
                if (before.toMillis() > System.currentTimeMillis() - 5000) {
                    throw new IOException(jar + " was written in the last 5 s");
                }
                Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
                if (!Files.getLastModifiedTime(jar).equals(before)) {
                    throw new IOException(jar + " changed while being copied");
                }
                checkRunnable(copy);
                jar = copy;
                return this;
            } catch (IOException e) {
                if (attempt == 20) { // most likely being rebuilt right now
                    throw new IllegalStateException("Cannot use " + jar + " (build it with mvn -B -q install -DskipTests): " + e, e);
                }
                sleep(3000);
            }
        }
    }

    /** A complete runnable jar: a Main-Class that is in it. */
    private static void checkRunnable(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String main = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null || file.getEntry(main.replace('.', '/') + ".class") == null) {
                throw new IOException(jar + " is not a complete runnable jar (Main-Class " + main + ")");
            }
        }
    }

    public String name() {
        return name;
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

    /** The command it runs. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add(mainClass == null ? "-jar" : "-cp");
        command.add(classpath != null ? classpath : jar.toString());
        if (mainClass != null) {
            command.add(mainClass);
        }
        command.addAll(args);
        return command;
    }

    /** Starts a new run (the previous one must have ended); a marker line in the log begins it. */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        if (classpath == null && !Files.exists(jar)) {
            throw new IllegalStateException("No runnable jar " + jar + ": build it with mvn -B -q install -DskipTests");
        }
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().keySet().removeIf(ServiceProcess::callerOnly);
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            runs++;
            Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            out.write("===== " + Instant.now() + " run " + runs + " of " + name + "\n");
            out.flush();
            synchronized (lines) {
                runFirstLine = firstLine + lines.size();
            }
            startNanos = System.nanoTime();
            process = builder.start();
            Process started = process;
            pump = new Thread(() -> pump(started, out), name + "-output");
            pump.setDaemon(true);
            pump.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
        }
        LIVE.add(this);
        return this;
    }

    private void pump(Process run, Writer out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8)); out) {
            String text;
            while ((text = in.readLine()) != null) {
                long now = System.nanoTime();
                out.write(text);
                out.write('\n');
                out.flush();
                synchronized (lines) {
                    lines.addLast(new Line(now, text));
                    if (lines.size() > KEPT_LINES) {
                        lines.removeFirst();
                        firstLine++;
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /** When the current run was started ({@link System#nanoTime()}). */
    public long startNanos() {
        return startNanos;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code of the current run once it has exited. */
    public OptionalInt exitCode() {
        Process run = process;
        return run == null || run.isAlive() ? OptionalInt.empty() : OptionalInt.of(run.exitValue());
    }

    /** Fails if the current run has exited. */
    public void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " exited (" + exitDescription() + "); log " + log);
        }
    }

    /** How many lines it has written so far (every run): pass it to {@link #await(Predicate, Duration, long)} to wait for a later line. */
    public long logPosition() {
        synchronized (lines) {
            return firstLine + lines.size();
        }
    }

    /** What the current run wrote so far (the kept lines). */
    public String output() {
        return logSince(runFirstLine);
    }

    /** The kept lines from line {@code from} on (see {@link #logPosition()}), one per line. */
    public String logSince(long from) {
        StringBuilder text = new StringBuilder();
        synchronized (lines) {
            long number = firstLine;
            for (Line line : lines) {
                if (number++ >= from) {
                    text.append(line.text()).append('\n');
                }
            }
        }
        return text.toString();
    }

    /** The kept lines of the current run that contain {@code text}. */
    public List<String> linesContaining(String text) {
        return output().lines().filter(line -> line.contains(text)).toList();
    }

    /** Waits until the current run is RUNNING (Kafka Streams' line or StreamsApp's); returns that line. */
    public Line awaitRunning(Duration timeout) {
        return await(ServiceProcess::isRunningLine, timeout, runFirstLine);
    }

    /** Whether {@code text} says a streams client (or a benchmark's loop) is RUNNING. */
    public static boolean isRunningLine(String text) {
        return text.contains(STREAMS_RUNNING) || text.contains(APP_RUNNING) || text.contains("-> RUNNING");
    }

    /** Waits until the current run writes a line that holds any of {@code anyOf}. */
    public Line awaitLog(Duration timeout, String... anyOf) {
        return awaitLog(runFirstLine, timeout, anyOf);
    }

    /** Waits until a line from line {@code from} on holds any of {@code anyOf}. */
    public Line awaitLog(long from, Duration timeout, String... anyOf) {
        List<String> wanted = List.of(anyOf);
        return await(text -> wanted.stream().anyMatch(text::contains), timeout, from);
    }

    /**
     * Waits for the first line from line {@code from} on that matches; fails with the output's tail
     * when the process exits first or the timeout passes.
     */
    public Line await(Predicate<String> match, Duration timeout, long from) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long next = from;
        synchronized (lines) {
            while (true) {
                long number = firstLine;
                for (Line line : lines) {
                    if (number >= next) {
                        next = number + 1;
                        if (match.test(line.text())) {
                            return line;
                        }
                    }
                    number++;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(name + ": no line as awaited within " + timeout + "; log tail:\n" + tail(logSince(from), 40));
                }
                if (!isAlive() && pumpDone()) {
                    throw new IllegalStateException(name + " exited (" + exitDescription() + ") before the line awaited; log tail:\n"
                            + tail(logSince(from), 40));
                }
                try {
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Whether all the current run's output has been read. */
    private boolean pumpDone() {
        Thread reader = pump;
        return reader == null || !reader.isAlive();
    }

    /**
     * Waits until the service answers 200 on {@code GET /health/ready} (its MANAGEMENT_PORT, else its
     * HTTP_PORT): RUNNING, its stores queryable.
     */
    public ServiceProcess awaitReady(Duration timeout) {
        int port = managementPort();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!readiness(port).equals("ready")) {
            requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready on port " + port + " within " + timeout + "; log " + log);
            }
            sleep(200);
        }
        return this;
    }

    /** The port of its health and metrics: MANAGEMENT_PORT, else HTTP_PORT. */
    public int managementPort() {
        String port = env.getOrDefault("MANAGEMENT_PORT", env.get("HTTP_PORT"));
        if (port == null) {
            throw new IllegalStateException(name + " has neither MANAGEMENT_PORT nor HTTP_PORT");
        }
        return Integer.parseInt(port);
    }

    /**
     * What {@code GET /health/ready} on {@code port} says: {@code ready} (200), {@code not ready}
     * (503: starting, restoring, rebalancing), {@code HTTP <status>}, or {@code no answer}.
     */
    public static String readiness(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofMillis(1500)).build();
        try {
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? "ready" : status == 503 ? "not ready" : "HTTP " + status;
        } catch (IOException e) {
            return "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no answer";
        }
    }

    /** SIGTERM (after SIGCONT: a stopped process cannot handle it), without waiting. */
    public synchronized void terminate() {
        if (isAlive()) {
            resume();
            process.toHandle().destroy(); // Process.destroy() would close the output pipe before the last lines are read
        }
    }

    /**
     * SIGTERM, then waits up to {@code grace} for a clean exit, then SIGKILL; returns the exit code
     * ({@value #SIGTERM_EXIT} after a JVM's orderly exit on SIGTERM, {@value #SIGKILL_EXIT} when it had to be killed).
     */
    public int stop(Duration grace) {
        synchronized (this) {
            if (process == null) {
                throw new IllegalStateException(name + " was never started");
            }
            terminate();
        }
        return awaitExitOrKill(grace);
    }

    /** Waits up to {@code timeout} for the current run to exit, then kills it; returns its exit code. */
    public int awaitExitOrKill(Duration timeout) {
        Process run;
        synchronized (this) {
            run = process;
        }
        try {
            if (!run.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                run.toHandle().destroyForcibly();
                run.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.toHandle().destroyForcibly();
        }
        LIVE.remove(this);
        return run.isAlive() ? SIGKILL_EXIT : run.exitValue();
    }

    /** Waits for the process to exit by itself; returns its exit code, fails after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still running after " + timeout + "; log " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, no clean close, an open transaction stays open. Waits until it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
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
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * CPU time (user + system) the current run has used so far, in seconds, from /proc; NaN where
     * that is not readable (not Linux, or the process is gone).
     */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Peak resident set size of the current run so far (VmHWM in /proc/<pid>/status), in MB; NaN where not readable. */
    public double peakRssMb() {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0).orElse(Double.NaN);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** USER_HZ: the unit of the CPU times in /proc/<pid>/stat (100 on every Linux this runs on). */
    private static final int CLOCK_TICKS = 100;

    private String exitDescription() {
        OptionalInt code = exitCode();
        return code.isPresent() ? "exit code " + code.getAsInt() : "still running";
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        kill();
    }

    /**
     * Kills every child still running when this JVM exits (a shutdown hook; registered once). Not for
     * a launcher that stops its children cleanly in its own shutdown hook: hooks run at the same time.
     */
    public static void killAllOnExit() {
        if (REAPER.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ServiceProcess::killAll, "service-process-reaper"));
        }
    }

    /** Kills every child still running. */
    public static void killAll() {
        List.copyOf(LIVE).forEach(ServiceProcess::kill);
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
    }

    /** The last {@code count} lines of {@code text}. */
    public static String tail(String text, int count) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size())) + "\n";
    }

    /** Sleeps; an interrupt becomes an {@link IllegalStateException} (the interrupt flag set again). */
    public static void sleep(long millis) {
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
