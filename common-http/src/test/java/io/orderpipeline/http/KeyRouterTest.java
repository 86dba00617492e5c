package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRouterTest {

    private static final String STORE = "test-store";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

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

    /**
     * Mid-rebalance under the streams protocol Kafka Streams counts only the partitions assigned at
     * the moment: with partition 0 of 3 assigned here, it puts key "2" (partition 2 of the store's 3)
     * in partition 0 on this instance. The router answers 503 with Retry-After, without asking the
     * local store (which would answer 404); once the metadata agrees, the local store answers.
     */
    @Test
    void metadataThatDisagreesWithTheStoresPartitionCountIsA503() throws Exception {
        HostInfo self = new HostInfo("localhost", 18080);
        List<Integer> queried = new ArrayList<>();
        StreamsWithMetadata streams = new StreamsWithMetadata(stateDir, new KeyQueryMetadata(self, Set.of(), 0));
        KeyRouter router = new KeyRouter(streams,
                new Forwarder(self, HttpSecurity.NONE, Duration.ofSeconds(1), Duration.ofSeconds(5)),
                StorePartitions.known(Map.of(STORE, 3)));
        try (HttpServer server = HttpServer.start(0, streams, () -> { }, app -> app.get("/keys/{key}", ctx -> {
            String key = ctx.pathParam("key");
            router.route(STORE, key, new StringSerializer(), "/keys/" + key, false, (partition, active) -> {
                queried.add(partition);
                return Reply.error(404, "no key " + key);
            }).writeTo(ctx);
        }))) {
            HttpResponse<String> wrong = get(server, "/keys/2");
            assertThat(wrong.statusCode()).isEqualTo(503);
            assertThat(wrong.headers().firstValue(HttpServer.RETRY_AFTER)).hasValue(String.valueOf(HttpServer.RETRY_AFTER_SECONDS));
            JsonNode error = Json.MAPPER.readTree(wrong.body());
            assertThat(error.get("error").asText())
                    .contains("the key is in partition 2 of " + STORE + "'s 3, Kafka Streams' metadata says 0: a rebalance is under way");
            assertThat(queried).as("the local store is not asked").isEmpty();

            // the control: the metadata agrees with the key's partition, so the local store answers
            streams.metadata = new KeyQueryMetadata(self, Set.of(), 2);
            HttpResponse<String> right = get(server, "/keys/2");
            assertThat(right.statusCode()).isEqualTo(404);
            assertThat(right.headers().firstValue(KeyRouter.SERVED_BY)).hasValue("localhost:18080");
            assertThat(queried).containsExactly(2);
        } finally {
            streams.close();
        }
    }

    private static HttpResponse<String> get(HttpServer server, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A streams app, never started, that says it is rebalancing and gives the key metadata it is told to. */
    private static final class StreamsWithMetadata extends KafkaStreams {

        volatile KeyQueryMetadata metadata;

        StreamsWithMetadata(Path stateDir, KeyQueryMetadata metadata) {
            super(TestStreams.topology(), TestStreams.properties(stateDir));
            this.metadata = metadata;
        }

        @Override
        public State state() {
            return State.REBALANCING;
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return metadata;
        }
    }
}
