package io.orderpipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A child process as the phases use it: its output lines (timestamped as read), its CPU time and
 * peak RSS, and how it ends. {@link #start} is the one place that picks the implementation
 * ({@link Proc} today; the shared launcher once it is there).
 */
interface Child extends AutoCloseable {

    /** A line of the child's output and when it was read ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    /** Starts {@code command} with the harness's environment plus {@code env}; output to {@code log}. */
    static Child start(String name, List<String> command, Map<String, String> env, Path log) {
        return Proc.start(name, command, env, log);
    }

    /** Kills every child still running (the harness's shutdown hook). */
    static void killAll() {
        Proc.killAll();
    }

    String name();

    long pid();

    long startNanos();

    boolean isAlive();

    /** The first line matching {@code match}; fails if the child exits first or {@code timeout} passes. */
    Line await(Predicate<String> match, Duration timeout);

    /** The output lines so far that contain {@code text}. */
    List<String> linesContaining(String text);

    /** SIGKILL, and wait until it is gone. */
    void kill();

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    void stop(Duration grace);

    @Override
    default void close() {
        stop(Duration.ofSeconds(40));
    }

    /** The first "... -> RUNNING" line (Kafka Streams' state listener log, or a ceiling loop's). */
    default Line awaitRunning(Duration timeout) {
        return await(text -> text.contains("-> RUNNING"), timeout);
    }

    default void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name() + " exited");
        }
    }

    /** CPU seconds (user + system) so far, from /proc/<pid>/stat (USER_HZ 100); NaN where not readable. */
    default double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Peak resident set size so far (VmHWM of /proc/<pid>/status) in MB; NaN where not readable. */
    default double peakRssMb() {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0).orElse(Double.NaN);
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
