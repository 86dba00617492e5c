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

/** {@link Child} as a {@link Process}: its output copied to a log file and kept in memory, timestamped. */
final class Proc implements Child {

    private static final Set<Proc> LIVE = ConcurrentHashMap.newKeySet();

    private final String name;
    private final Process process;
    private final Path log;
    private final long startNanos = System.nanoTime();
    private final List<Line> lines = new ArrayList<>();

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static Proc start(String name, List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Proc proc = new Proc(name, builder.start(), log);
            LIVE.add(proc);
            Thread reader = new Thread(proc::pump, name + "-output");
            reader.setDaemon(true);
            reader.start();
            return proc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String text; (text = in.readLine()) != null; ) {
                long now = System.nanoTime();
                out.println(text);
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

    @Override
    public String name() {
        return name + " (log " + log + ")";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long startNanos() {
        return startNanos;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public Line await(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen).text())) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                    throw new IllegalStateException(name() + (left <= 0 ? ": no matching line within " + timeout : " exited"));
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

    @Override
    public List<String> linesContaining(String text) {
        synchronized (lines) {
            return lines.stream().map(Line::text).filter(t -> t.contains(text)).toList();
        }
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        waitGone(Duration.ofSeconds(30));
    }

    @Override
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!waitGone(grace)) {
                System.out.println("  " + name + " did not stop within " + grace + "; killing it");
                kill();
            }
        }
        LIVE.remove(this);
    }

    private boolean waitGone(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LIVE.remove(this);
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    static void killAll() {
        LIVE.forEach(proc -> proc.process.destroyForcibly());
        LIVE.forEach(proc -> proc.waitGone(Duration.ofSeconds(10)));
    }
}
