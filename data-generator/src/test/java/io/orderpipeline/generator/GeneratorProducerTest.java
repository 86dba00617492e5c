package io.orderpipeline.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator against a real broker: what lands in the topics is exactly what the library generates. */
class GeneratorProducerTest {

    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.startOnFreePort(dataDir);
        ContractTopics.create(broker.bootstrapServers(), 3);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theCliWritesExactlyTheGeneratedRecords() {
        int exit = DataGeneratorCli.commandLine().execute("--bootstrap-server", broker.bootstrapServers(),
                "--rate", "0", "--count", "3000", "--seed", "11", "--customers", "300", "--bad-ratio", "0.1",
                "--customer-updates", "0.05", "--start-time", START.toString());
        List<GeneratedRecord> expected = new DataGenerator(GeneratorOptions.defaults(11).withCount(3000)
                .withCustomers(300).withBadRatio(0.1).withCustomerUpdates(0.05).withStartTime(START)).records().toList();

        assertThat(exit).isZero();
        assertThat(expected).anyMatch(r -> r.kind() == GeneratedRecord.Kind.BAD_ORDER && r.value() == null)
                .anyMatch(r -> r.kind() == GeneratedRecord.Kind.CUSTOMER_UPDATE);
        assertThat(byKey(readAll("customers", count(expected, "customers")))).isEqualTo(byKey(expected, "customers"));
        assertThat(byKey(readAll("orders", count(expected, "orders")))).isEqualTo(byKey(expected, "orders"));
    }

    @Test
    void aTimedRunStopsAndSendsAPrefixOfTheSequence() {
        GeneratorOptions options = GeneratorOptions.defaults(12).withCustomers(50).withStartTime(START)
                .withTopics("timed-orders", "timed-customers");
        createTopics("timed-orders", "timed-customers");
        GeneratorProducer.Summary summary;
        try (Producer<String, byte[]> producer = GeneratorProducer.producer(
                GeneratorProducer.producerProperties(broker.bootstrapServers(), Map.of()))) {
            summary = GeneratorProducer.run(producer, new DataGenerator(options), 500, Duration.ofMillis(500), () -> false);
        }

        assertThat(summary.customers()).isEqualTo(50);
        assertThat(summary.orders()).isPositive();
        assertThat(summary.line()).contains("50 customers", "to timed-customers", "to timed-orders");
        List<GeneratedRecord> prefix = new DataGenerator(options.withCount(summary.orders())).records().toList();
        assertThat(count(prefix, "timed-customers")).isEqualTo(summary.customers() + summary.customerUpdates());
        assertThat(byKey(readAll("timed-orders", (int) summary.orders()))).isEqualTo(byKey(prefix, "timed-orders"));
    }

    private static void createTopics(String... names) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(Arrays.stream(names).map(name -> new NewTopic(name, 3, (short) 1)).toList()).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + Arrays.toString(names), e);
        }
    }

    private static int count(List<GeneratedRecord> records, String topic) {
        return (int) records.stream().filter(r -> r.topic().equals(topic)).count();
    }

    /** Per key, the values (text@timestamp) in order: a key's records share a partition, so this order is kept. */
    private static Map<String, List<String>> byKey(List<GeneratedRecord> records, String topic) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        records.stream().filter(r -> r.topic().equals(topic))
                .forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.valueText() + "@" + r.timestamp()));
        return byKey;
    }

    private static Map<String, List<String>> byKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        records.forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
                .add((r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)) + "@" + r.timestamp()));
        return byKey;
    }

    /** Reads {@code topic} from the start until {@code expected} records came, or the wait ran out. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // anything beyond the expected records would show up here
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
