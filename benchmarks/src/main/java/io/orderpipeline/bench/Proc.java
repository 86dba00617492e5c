package io.orderpipeline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process (a service from its jar, the broker, a ceiling loop, the HTTP load client) with
 * its output in a log file and its lifecycle lines ("... -> RUNNING") timestamped as they arrive.
 * Every live child is killed by {@link #killAll()} (the harness's shutdown hook).
 */
final class Proc implements AutoCloseable {

    private static final Set<Proc> LIVE = ConcurrentHashMap.newKeySet();

    /** A line of the child's output and when it was read ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final long startNanos;
    private final List<Line> lines = new ArrayList<>();

    private Proc(String name, Process process, Path log, long startNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /** Starts {@code command} with the harness's environment plus {@code env}; output to {@code log}. */
    static Proc start(String name, List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            long start = System.nanoTime();
            Proc proc = new Proc(name, builder.start(), log, start);
            LIVE.add(proc);
            Thread reader = new Thread(proc::pump, name + "-output");
            reader.setDaemon(true);
            reader.start();
            return proc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** {@code java [jvmOptions] -jar jar} or {@code java [jvmOptions] -cp jar mainClass args}. */
    static List<String> java(List<String> jvmOptions, Path jar, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (mainClass == null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(jar.toString());
            command.add(mainClass);
        }
        command.addAll(List.of(args));
        return command;
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String text;
            while ((text = in.readLine()) != null) {
                long now = System.nanoTime();
                out.println(text);
                out.flush();
                synchronized (lines) {
                    lines.add(new Line(now, text));
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

    String name() {
        return name;
    }

    long startNanos() {
        return startNanos;
    }

    long pid() {
        return process.pid();
    }

    /**
     * CPU time (user + system) this process has used so far, in seconds, from /proc; NaN where
     * that is not readable (not Linux, or the process is gone).
     */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Peak resident set size of this process so far (VmHWM in /proc/<pid>/status), in MB; NaN where not readable. */
    double peakRssMb() {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0).orElse(Double.NaN);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** USER_HZ: the unit of the CPU times in /proc/<pid>/stat (100 on every Linux this runs on). */
    private static final int CLOCK_TICKS = 100;

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the first output line matching {@code match} and returns when it was read; fails
     * if the process exits first or {@code timeout} passes.
     */
    Line await(Predicate<String> match, Duration timeout) {
        return await(match, timeout, Long.MIN_VALUE);
    }

    /** Like {@link #await(Predicate, Duration)}, for lines read after {@code afterNanos} only. */
    Line await(Predicate<String> match, Duration timeout, long afterNanos) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Line line = lines.get(seen);
                    if ((afterNanos == Long.MIN_VALUE || line.nanos() - afterNanos > 0) && match.test(line.text())) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(name + ": no matching line within " + timeout + "; log " + log);
                }
                if (!process.isAlive() && seen == lines.size()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log);
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

    /** The output lines so far that contain {@code text}. */
    List<String> linesContaining(String text) {
        synchronized (lines) {
            return lines.stream().map(Line::text).filter(t -> t.contains(text)).toList();
        }
    }

    /** How many output lines so far contain {@code text}. */
    long countLines(String text) {
        synchronized (lines) {
            return lines.stream().filter(line -> line.text().contains(text)).count();
        }
    }

    /** The first "... -> RUNNING" line (Kafka Streams' state listener log, or a ceiling loop's). */
    Line awaitRunning(Duration timeout) {
        return await(Proc::isRunningLine, timeout);
    }

    static boolean isRunningLine(String text) {
        return text.contains("-> RUNNING");
    }

    /** Fails if the process has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log);
        }
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still running after " + timeout + "; log " + log);
            }
            LIVE.remove(this);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill9() {
        process.destroyForcibly();
        waitGone(Duration.ofSeconds(30));
    }

    /** SIGTERM (a clean shutdown), then SIGKILL if it has not exited within {@code grace}. */
    void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println("  " + name + " did not stop within " + grace + "; killing it");
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        waitGone(Duration.ofSeconds(30));
    }

    private void waitGone(Duration timeout) {
        try {
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(40));
        }
        LIVE.remove(this);
    }

    /** Kills every child still running (shutdown hook). */
    static void killAll() {
        for (Proc proc : List.copyOf(LIVE)) {
            proc.process.destroyForcibly();
        }
        for (Proc proc : List.copyOf(LIVE)) {
            proc.waitGone(Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
