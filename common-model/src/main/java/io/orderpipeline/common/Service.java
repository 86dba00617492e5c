package io.orderpipeline.common;

import java.nio.file.Path;
import java.util.List;

/**
 * One of the five services, as {@link Services#ALL} lists them: the inventory that the local
 * stack, the end-to-end tests, the benchmark and the deployment checks all read.
 *
 * @param name      the module, its jar ({@code <name>/target/<name>.jar}) and its default application id
 * @param inputs    the contract topics it reads (its consumer group's lag is measured on these)
 * @param outputs   the contract topics it writes (its dead-letter topic aside)
 * @param http      whether it serves queries over HTTP (HTTP_PORT, APPLICATION_SERVER); every service
 *                  serves health and metrics
 * @param localPort its port in the local stack (./run-local): its HTTP port,
 *                  or for a service without queries its management port
 */
public record Service(String name, List<Topic<String, ?>> inputs, List<Topic<String, ?>> outputs, boolean http, int localPort) {

    /**
     * The JVM flags every service runs with, wherever it runs (the Dockerfile, the local stack, the
     * benchmark, the end-to-end tests): the Serial GC (a small heap on a core or two: G1's
     * concurrent threads cost the stream thread CPU, benchmarks/RESULTS.md), and exit on
     * out-of-memory so a supervisor starts a fresh one. The heap size is each launcher's.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    public Service {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The names of its input topics. */
    public List<String> inputNames() {
        return inputs.stream().map(Topic::name).toList();
    }

    /** Its runnable jar below the repository root {@code root}. */
    public Path jar(Path root) {
        return jar(root, name);
    }

    /** The runnable jar of {@code module} below the repository root {@code root}. */
    public static Path jar(Path root, String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }
}
