package io.orderpipeline.bench;

import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * What Kafka Streams itself costs: the services' streams configuration ({@link ServiceConfig}, run by {@link StreamsApp}, so the
 * same guarantee, commit interval, batching and handlers), with topologies that do no work of ours: the orders' bytes copied to
 * an output topic (order-filter and order-enricher without JSON), or copied through a repartition topic first (customer-stats and
 * customer-join without JSON and state). A service can be no faster than its floor on the same broker.
 */
public final class StreamsFloor {

    enum Kind {
        COPY("Kafka Streams copy (bytes)", false),
        REPARTITION("Kafka Streams copy via repartition (bytes)", true);

        final String subject;
        final boolean repartition;

        Kind(String subject, boolean repartition) {
            this.subject = subject;
            this.repartition = repartition;
        }
    }

    private StreamsFloor() {
    }

    /** Args: the kind and the output topic; everything else from the environment, as a service's. */
    public static void main(String[] args) {
        Kind kind = Kind.valueOf(args[0]);
        ServiceConfig config = ServiceConfig.of("streams-floor", false, System.getenv());
        StreamsApp app = StreamsApp.create(config, topology(kind, args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "streams-floor-shutdown"));
        app.run();
    }

    static Topology topology(Kind kind, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> orders = builder.stream(Topics.ORDERS.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        if (kind.repartition) {
            orders = orders.repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("floor"));
        }
        orders.to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }
}
