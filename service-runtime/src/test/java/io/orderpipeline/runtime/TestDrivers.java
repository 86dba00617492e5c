package io.orderpipeline.runtime;

import io.orderpipeline.common.TestDriverSupport;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** A {@link TopologyTestDriver} with a service's real configuration ({@link ServiceConfig}). */
public final class TestDrivers {

    private TestDrivers() {
    }

    /** A driver running {@code topology} with the service's production properties (DLQ, handlers, guarantee). */
    public static TopologyTestDriver driver(String service, Topology topology) {
        return driver(service, topology, Map.of());
    }

    /** As {@link #driver(String, Topology)}, with some Kafka Streams properties changed. */
    public static TopologyTestDriver driver(String service, Topology topology, Map<String, String> overrides) {
        Properties props = ServiceConfig.of(service, false, Map.of()).streamsProperties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test-driver:9092");
        // The test driver's mock producer does not surface dead-letter records under exactly-once
        // (the records sent while deserializing); the end-to-end tests check them on a real broker.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(service));
        props.putAll(overrides);
        return new TopologyTestDriver(topology, props, TestDriverSupport.BASE);
    }

    /** A state folder of the driver's own; the driver empties it on close, the JVM removes it at exit. */
    private static String stateDir(String service) {
        try {
            File dir = Files.createTempDirectory("ttd-" + service).toFile();
            dir.deleteOnExit();
            return dir.getPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
