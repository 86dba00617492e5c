package io.orderpipeline.bench;

import io.orderpipeline.broker.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** What every phase shares: options, the broker's address, the jars, the preloaded input, where logs go. */
final class Bench {

    final Options options;
    final Cluster cluster;
    final Path workDir;
    final Path logDir;
    final Path benchJar;
    final String runId;
    Preload.Result preload;
    /** Findings of the measurements for the report's notes. */
    final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The broker's process, for its CPU time. */
    Proc broker;
    private final AtomicInteger sequence = new AtomicInteger();
    /**
     * The Dockerfile's JVM flags for the services, but the heap (75% of a container's memory there);
     * the ceilings (the copies, the transactional loop) run with the same flags. {@code --jvm} replaces them.
     */
    static final List<String> SERVICE_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    Bench(Options options, Cluster cluster, Path workDir, Path logDir, Path benchJar, String runId) {
        this.options = options;
        this.cluster = cluster;
        this.workDir = workDir;
        this.logDir = logDir;
        this.benchJar = benchJar;
        this.runId = runId;
    }

    String bootstrap() {
        return cluster.bootstrap();
    }

    /** A fresh application id (also the consumer group and the prefix of its internal topics). */
    String newAppId(String what) {
        return "bench-" + runId + "-" + sequence.incrementAndGet() + "-" + what;
    }

    /**
     * The service's jar, copied into the run's work dir at its first use: a rebuild in the working
     * tree during the run (another build, an IDE) then neither breaks a later start nor changes what is measured.
     */
    synchronized Path serviceJar(String service) {
        Path copy = jarCopies.get(service);
        if (copy != null) {
            return copy;
        }
        Path jar = options.repo.resolve(service).resolve("target").resolve(service + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build with mvn -B -q -Pbench package -DskipTests");
        }
        try {
            copy = Files.createDirectories(workDir.resolve("jars")).resolve(service + ".jar");
            Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot copy " + jar, e);
        }
        jarCopies.put(service, copy);
        return copy;
    }

    private final Map<String, Path> jarCopies = new java.util.HashMap<>();

    /**
     * The environment a service runs with here: the contract's variables, a state dir of its own,
     * an HTTP port (services with HTTP), the guarantee and commit interval, then {@code --env}.
     */
    Map<String, String> serviceEnv(String appId, String guarantee, long commitIntervalMs) {
        int httpPort = KafkaBroker.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("APPLICATION_ID", appId);
        env.put("STATE_DIR", workDir.resolve("state").resolve(appId).toString());
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("APPLICATION_SERVER", "127.0.0.1:" + httpPort);
        env.put("PROCESSING_GUARANTEE", guarantee);
        if (commitIntervalMs > 0) {
            env.put("KAFKA_COMMIT_INTERVAL_MS", String.valueOf(commitIntervalMs));
        }
        env.putAll(options.env);
        return env;
    }

    /**
     * Starts a service from its jar as its container does: {@code java -XX:+UseSerialGC -jar
     * <service>/target/<service>.jar} (the Dockerfile's JVM flags; the heap is left to the JVM).
     */
    Proc startService(String service, String logName, Map<String, String> env) {
        return startService(service, logName, env, List.of());
    }

    /** {@link #startService(String, String, Map)} with JVM flags after the usual ones (e.g. a logging configuration). */
    Proc startService(String service, String logName, Map<String, String> env, List<String> extraJvmOptions) {
        cluster.createTopics(List.of(env.get("APPLICATION_ID") + "-dlq"), 3);
        List<String> jvm = new java.util.ArrayList<>(options.jvmOptions);
        jvm.addAll(extraJvmOptions);
        return Proc.start(logName, Proc.java(jvm, serviceJar(service), null), env, logDir.resolve(logName + ".log"));
    }

    /** Starts one of this module's mains in its own JVM. */
    Proc startMain(Class<?> main, String logName, List<String> jvmOptions, String... args) {
        return Proc.start(logName, Proc.java(jvmOptions, benchJar, main.getName(), args), Map.of(), logDir.resolve(logName + ".log"));
    }

    static int httpPort(Map<String, String> env) {
        return Integer.parseInt(env.get("HTTP_PORT"));
    }
}
