package io.orderpipeline.http;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;

/** A streams app that is never started (state CREATED): enough for the HTTP layer's unit tests. */
final class TestStreams {

    private TestStreams() {
    }

    static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table("in", Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("test-store"));
        return builder.build();
    }

    static KafkaStreams unstarted(Path stateDir) {
        return new KafkaStreams(topology(), properties(stateDir));
    }

    /** The properties of such an app (a subclass that overrides what a test needs is built with them). */
    static Properties properties(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "http-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
