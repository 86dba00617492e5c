package io.orderpipeline.join;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 part 5 on a real broker: {@code customers} written as librdkafka's default partitioner
 * (consistent_random) places keyed records, CRC32 of the key bytes modulo the partition count, with
 * 5 partitions, while {@code orders} has 2 and is written by the Java client. Every order must still
 * be joined with its customer (before, customer-join read customers as their producer partitioned
 * them and most orders came out "Unknown"), a tombstone must still delete, and the two repartition
 * topics must have one partition count.
 */
class CustomersPartitioningIT {

    private static final String APPLICATION_ID = "customer-join-partitioning-it";
    private static final int CUSTOMERS_PARTITIONS = 5;
    private static final int ORDERS_PARTITIONS = 2;
    private static final int CUSTOMERS = 30;
    /** Customers 29 and 30 are deleted (tombstones, written to their CRC32 partitions too) before their orders. */
    private static final int DELETED_FROM = 29;
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);

    @TempDir
    Path dir;

    /** librdkafka's consistent_random for a non-null key: CRC32 of the key bytes, modulo the partition count. */
    static int librdkafkaPartition(String key, int partitions) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    @Test
    void everyOrderIsJoinedWithItsCustomerWrittenByAnotherPartitionerAndPartitionCount() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
                KafkaProducer<String, String> producer = BrokerRecords.producer(broker.bootstrapServers());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(Topics.CUSTOMERS.name(), CUSTOMERS_PARTITIONS, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(Topics.ORDERS.name(), ORDERS_PARTITIONS, (short) 1),
                    new NewTopic(Topics.deadLetter(APPLICATION_ID), 1, (short) 1))).all().get();
            ContractTopics.create(broker.bootstrapServers(), 3); // the others; these two stay as they are
            ServiceConfig config = CustomerJoinApp.config(ServiceConfig.of("customer-join", false, Map.of(
                    ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    ServiceConfig.APPLICATION_ID, APPLICATION_ID,
                    ServiceConfig.STATE_DIR, dir.resolve("state").toString())));
            String changelog = config.applicationId() + "-" + CustomerJoinTopology.STORE + "-changelog";

            int elsewhere = 0;
            for (int id = 1; id <= CUSTOMERS; id++) {
                String key = String.valueOf(id);
                int partition = librdkafkaPartition(key, CUSTOMERS_PARTITIONS);
                int javaPartition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % CUSTOMERS_PARTITIONS;
                elsewhere += partition == javaPartition ? 0 : 1;
                producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), partition, T0.toEpochMilli(), key,
                        BrokerRecords.customer(id, "Customer " + id)));
            }
            for (int id = DELETED_FROM; id <= CUSTOMERS; id++) {
                String key = String.valueOf(id);
                producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), librdkafkaPartition(key, CUSTOMERS_PARTITIONS),
                        T0.plus(Duration.ofMinutes(5)).toEpochMilli(), key, (String) null));
            }
            producer.flush();
            assertThat(elsewhere).as("customers that CRC32 puts in another partition than murmur2 (the test shows the issue)")
                    .isGreaterThanOrEqualTo(CUSTOMERS / 2);

            try (StreamsApp app = StreamsApp.createFromChangelogs(config, CustomerJoinTopology.build()).start()) {
                await("RUNNING", () -> app.streams().state() == KafkaStreams.State.RUNNING);
                int versions = CUSTOMERS + (CUSTOMERS - DELETED_FROM + 1);
                await(versions + " customer records in " + changelog,
                        () -> BrokerRecords.read(broker.bootstrapServers(), changelog, "read_committed").size() == versions);

                // then the orders, keyed by order id, partitioned by the Java client
                for (int id = 1; id <= CUSTOMERS; id++) {
                    producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, T0.plus(Duration.ofMinutes(10)).toEpochMilli(),
                            String.valueOf(1000 + id), BrokerRecords.order(1000 + id, id)));
                }
                producer.flush();
                Map<Long, String> names = new TreeMap<>();
                await(CUSTOMERS + " joined orders", () -> {
                    names.clear();
                    for (ConsumerRecord<String, String> r : BrokerRecords.read(broker.bootstrapServers(),
                            Topics.CUSTOMER_ENRICHED_ORDERS.name(), "read_committed")) {
                        JsonNode json = json(r.value());
                        names.put(json.get("customer_id").asLong(), json.get("customer_name").asText());
                    }
                    return names.size() == CUSTOMERS;
                });
                Map<Long, String> expected = new HashMap<>();
                for (long id = 1; id <= CUSTOMERS; id++) {
                    expected.put(id, id >= DELETED_FROM ? "Unknown" : "Customer " + id);
                }
                assertThat(names).containsExactlyInAnyOrderEntriesOf(expected);
                assertThat(BrokerRecords.read(broker.bootstrapServers(), Topics.deadLetter(config.applicationId()), "read_committed"))
                        .isEmpty();

                // co-partitioned: both repartition topics have the larger partition count of the two inputs
                String customersById = config.applicationId() + "-" + CustomerJoinTopology.CUSTOMERS_BY_ID + "-repartition";
                String ordersByCustomer = config.applicationId() + "-" + CustomerJoinTopology.ORDERS_BY_CUSTOMER + "-repartition";
                Map<String, Integer> counts = new TreeMap<>();
                admin.describeTopics(List.of(customersById, ordersByCustomer)).allTopicNames().get()
                        .forEach((name, description) -> counts.put(name, description.partitions().size()));
                assertThat(counts).isEqualTo(Map.of(customersById, CUSTOMERS_PARTITIONS, ordersByCustomer, CUSTOMERS_PARTITIONS));
            }
        }
    }

    private static JsonNode json(String value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (Exception e) {
            throw new AssertionError(value, e);
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        TestDriverSupport.await(what, BrokerRecords.TIMEOUT, condition);
    }
}
