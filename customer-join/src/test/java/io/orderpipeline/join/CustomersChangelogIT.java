package io.orderpipeline.join;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customers store rebuilt from its changelog on a real broker, with customer records timed a
 * month before the broker's clock (a replay, a backfill, the e2e tests' fixed dates): the changelog
 * must keep every version, and orders timed between two versions must still get the older one after
 * the rebuild. With Kafka Streams' own changelog setting ({@code min.compaction.lag.ms} = history
 * retention + 1 day, compared by the broker with the records' timestamps) the log cleaner removed the
 * older versions within seconds of the first commit, and those orders came out "Unknown".
 */
class CustomersChangelogIT {

    private static final Duration TIMEOUT = BrokerRecords.TIMEOUT;
    /** Longer than the log cleaner's idle back-off (log.cleaner.backoff.ms, 15 s): it has had a pass over the rolled segment. */
    private static final Duration CLEANER_PASS = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.HOURS);

    @TempDir
    Path dir;

    @Test
    void aStoreRebuiltFromTheChangelogStillHasTheOlderVersionsOfOldCustomerRecords() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
                KafkaProducer<String, String> producer = producer(broker)) {
            ContractTopics.create(broker.bootstrapServers(), 3);
            ServiceConfig config = CustomerJoinApp.config(ServiceConfig.of("customer-join", false, Map.of(
                    ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    ServiceConfig.STATE_DIR, dir.resolve("state").toString())));
            String changelog = config.applicationId() + "-" + CustomerJoinTopology.STORE + "-changelog";

            StreamsApp app = start(config);
            try {
                customer(producer, "42", "Ada Lovelace", T0);
                customer(producer, "43", "Grace Hopper", T0);
                customer(producer, "42", "Ada King", T0.plus(Duration.ofHours(8)));
                producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), null, T0.plus(Duration.ofHours(8)).toEpochMilli(), "43", (String) null));
                producer.flush();
                await("the four versions committed to " + changelog, () -> read(broker, changelog, "read_committed").size() == 4);

                assertThat(topicConfig(broker, changelog, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG)).isEqualTo(String.valueOf(Long.MAX_VALUE));
                // the commit markers (broker time, a month after the records) have rolled the changelog's
                // segments, so the log cleaner may clean them: it must leave every version
                long until = System.nanoTime() + CLEANER_PASS.toNanos();
                while (System.nanoTime() < until) {
                    assertThat(read(broker, changelog, "read_uncommitted")).as("the changelog of " + changelog).hasSize(4);
                    Thread.sleep(1000);
                }
            } finally {
                app.close();
            }

            // a new start deletes the local state: the store is rebuilt from the changelog
            app = start(config);
            try {
                order(producer, 1, "42", T0.plus(Duration.ofHours(4)));
                order(producer, 2, "42", T0.plus(Duration.ofHours(12)));
                order(producer, 3, "43", T0.plus(Duration.ofHours(4)));
                order(producer, 4, "43", T0.plus(Duration.ofHours(12)));
                producer.flush();
                List<ConsumerRecord<String, String>> joined = new ArrayList<>();
                await("4 joined orders", () -> {
                    joined.clear();
                    joined.addAll(read(broker, Topics.CUSTOMER_ENRICHED_ORDERS.name(), "read_committed"));
                    return joined.size() == 4;
                });
                Map<Long, String> names = new HashMap<>();
                for (ConsumerRecord<String, String> r : joined) {
                    JsonNode json = JSON.readTree(r.value());
                    names.put(json.get("order_id").asLong(), json.get("customer_name").asText());
                }
                assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(
                        1L, "Ada Lovelace", 2L, "Ada King", 3L, "Grace Hopper", 4L, "Unknown"));
            } finally {
                app.close();
            }
        }
    }

    private static StreamsApp start(ServiceConfig config) {
        StreamsApp app = StreamsApp.createFromChangelogs(config, CustomerJoinTopology.build()).start();
        await("RUNNING", () -> app.streams().state() == KafkaStreams.State.RUNNING);
        return app;
    }

    private static void customer(KafkaProducer<String, String> producer, String id, String name, Instant at) {
        producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), null, at.toEpochMilli(), id,
                "{\"customer_id\":" + id + ",\"name\":\"" + name + "\",\"segment\":\"enterprise\",\"country\":\"GB\"}"));
    }

    private static void order(KafkaProducer<String, String> producer, long id, String customer, Instant at) {
        producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, at.toEpochMilli(), String.valueOf(id),
                "{\"order_id\":" + id + ",\"customer_id\":" + customer + ",\"amount\":10.00,\"product\":\"keyboard\",\"status\":\"paid\"}"));
    }

    private static KafkaProducer<String, String> producer(KafkaBroker broker) {
        return BrokerRecords.producer(broker.bootstrapServers());
    }

    private static List<ConsumerRecord<String, String>> read(KafkaBroker broker, String topic, String isolation) {
        return BrokerRecords.read(broker.bootstrapServers(), topic, isolation);
    }

    private static String topicConfig(KafkaBroker broker, String topic, String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        TestDriverSupport.await(what, TIMEOUT, condition);
    }
}
