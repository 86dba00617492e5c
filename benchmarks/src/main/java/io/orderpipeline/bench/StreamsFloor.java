package io.orderpipeline.bench;

import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * What Kafka Streams itself costs: the services' streams configuration ({@link ServiceConfig}, run by {@link StreamsApp}) with
 * topologies that do no work of ours (benchmarks/README.md). A service can be no faster than its floor on the same broker.
 */
public final class StreamsFloor {

    enum Kind {
        COPY("Kafka Streams copy (bytes)"),
        REPARTITION("Kafka Streams copy via repartition (bytes)");

        final String subject;

        Kind(String subject) {
            this.subject = subject;
        }
    }

    private StreamsFloor() {
    }

    /** Args: the kind and the output topic; everything else from the environment, as a service's. */
    public static void main(String[] args) {
        Kind kind = Kind.valueOf(args[0]);
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> orders = builder.stream(Topics.ORDERS.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        if (kind == Kind.REPARTITION) {
            orders = orders.repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("floor"));
        }
        orders.to(args[1], Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        try (StreamsApp app = StreamsApp.create(ServiceConfig.of("streams-floor", false, System.getenv()), builder.build())) {
            app.run();
        }
    }
}
