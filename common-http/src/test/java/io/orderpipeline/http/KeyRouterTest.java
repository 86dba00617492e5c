package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyRouterTest {

    /** The partition KeyRouter checks Kafka Streams' metadata against is the one the producer gives the key. */
    @Test
    void partitionOfAKeyIsTheDefaultPartitioners() {
        for (int partitions = 1; partitions <= 12; partitions++) {
            for (int customer = -50; customer < 1000; customer++) {
                byte[] key = String.valueOf(customer).getBytes(StandardCharsets.UTF_8);
                assertThat(KeyRouter.partitionOf(key, partitions)).as("key %d of %d partitions", customer, partitions)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
            }
        }
        // the keys StreamsProtocolIT saw answered 404 while only partition 0 was assigned lie in partitions 1 and 2
        assertThat(KeyRouter.partitionOf("2".getBytes(StandardCharsets.UTF_8), 3)).isEqualTo(2);
        assertThat(KeyRouter.partitionOf("4".getBytes(StandardCharsets.UTF_8), 3)).isEqualTo(1);
    }
}
