package io.orderpipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void createsContractTopicsKeepsCommittedRecordsAcrossRestartAndReleasesItsPort() throws Exception {
        KafkaBroker broker = KafkaBroker.startOnFreePort(dataDir);
        int port = broker.port();
        try {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);

            ContractTopics.create(broker.bootstrapServers(), 3);
            ContractTopics.create(broker.bootstrapServers(), 3); // idempotent
            assertContractTopics(broker.bootstrapServers());

            List<String> committed = IntStream.range(0, 20).mapToObj(i -> "committed-" + i).toList();
            try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                committed.forEach(v -> producer.send(new ProducerRecord<>(Topics.ORDERS.name(), v, v)));
                producer.commitTransaction();
                producer.beginTransaction();
                IntStream.range(0, 5).forEach(i -> producer.send(new ProducerRecord<>(Topics.ORDERS.name(), "aborted-" + i)));
                producer.flush();
                producer.abortTransaction();
            }
            assertThat(readCommitted(broker.bootstrapServers(), committed.size())).containsExactlyInAnyOrderElementsOf(committed);

            broker.restart();
            assertThat(broker.port()).isEqualTo(port);
            assertThat(readCommitted(broker.bootstrapServers(), committed.size())).containsExactlyInAnyOrderElementsOf(committed);
        } finally {
            broker.stop();
        }
        broker.stop(); // idempotent

        try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getByName("127.0.0.1"))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    private static void assertContractTopics(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> expected = ContractTopics.newTopics(3).stream().map(t -> t.name()).collect(Collectors.toSet());
            assertThat(expected).contains("orders", "customers", "customer-enriched-orders", "order-filter-dlq", "customer-join-dlq");
            assertThat(admin.listTopics().names().get()).containsAll(expected);

            Map<String, TopicDescription> topics = admin.describeTopics(expected).allTopicNames().get();
            topics.values().forEach(t -> assertThat(t.partitions()).as(t.name()).hasSize(3));

            ConfigResource customers = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CUSTOMERS.name());
            ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ORDERS.name());
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(customers, orders)).all().get();
            assertThat(configs.get(customers).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(configs.get(orders).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("delete");
            // records with event times older than 7 days (the tests' fixed dates) are kept
            assertThat(configs.get(orders).get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");

            ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config brokerConfig = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
            assertThat(brokerConfig.get("auto.create.topics.enable").value()).isEqualTo("false");
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kafka-broker-test-" + UUID.randomUUID());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads the orders topic from the start with read_committed until {@code expected} values or the timeout, then a bit more. */
    private static List<String> readCommitted(String bootstrapServers, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-broker-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.ORDERS.name()));
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (values.size() < expected && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach((ConsumerRecord<String, String> r) -> values.add(r.value()));
            }
            // anything past the expected records (an aborted record leaking through) would show here
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
