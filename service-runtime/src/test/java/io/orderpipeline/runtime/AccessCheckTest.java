package io.orderpipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Services;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class AccessCheckTest {

    /** orders → filter → high-value-orders; orders → re-keyed count (a repartition topic and a store) → customer-stats. */
    private static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        var orders = builder.stream("orders", Consumed.with(Serdes.String(), Serdes.String()));
        orders.filter((k, v) -> v != null).to("high-value-orders", Produced.with(Serdes.String(), Serdes.String()));
        orders.groupBy((k, v) -> v, Grouped.<String, String>as("by-value").withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                .count(Materialized.as("count-store"))
                .toStream().mapValues(String::valueOf).to("customer-stats", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    @Test
    void readsTheTopicsATopologyReadsAndWritesLeavingItsInternalTopicsOut() {
        AccessCheck.Needs needs = AccessCheck.Needs.of(topology().describe());
        assertThat(needs.inputs()).containsExactly("orders");
        assertThat(needs.outputs()).containsExactlyInAnyOrder("high-value-orders", "customer-stats");
        assertThat(needs.internalTopics()).isTrue();

        StreamsBuilder stateless = new StreamsBuilder();
        stateless.stream("orders", Consumed.with(Serdes.String(), Serdes.String())).to("enriched-orders");
        AccessCheck.Needs none = AccessCheck.Needs.of(stateless.build().describe());
        assertThat(none.outputs()).containsExactly("enriched-orders");
        assertThat(none.internalTopics()).isFalse();
    }

    @Test
    void aPlaintextServiceIsNotCheckedSoNoBrokerIsAsked() {
        ServiceConfig config = ServiceConfig.of(Services.ORDER_FILTER, Map.of(ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1"));
        long start = System.nanoTime();
        AccessCheck.verify(config, topology());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(AccessCheck.TIMEOUT);
    }
}
