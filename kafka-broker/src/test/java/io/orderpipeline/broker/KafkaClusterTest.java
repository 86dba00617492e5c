package io.orderpipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void threeNodesReplicateAndSurviveAKilledLeader() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(dir, 3);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 3))).all().get();
            String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "t"))).all().get()
                    .values().iterator().next().get("min.insync.replicas").value();
            assertThat(minIsr).isEqualTo("2");

            int leader = awaitIsr(admin, 3).leader().id();
            cluster.kill(leader);
            assertThat(cluster.isRunning(leader)).isFalse();
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                // acks=all with two of three replicas in sync: the write succeeds with the leader gone
                producer.send(new ProducerRecord<>("t", "k", "v")).get();
            }
            assertThat(describe(admin).leader().id()).isNotEqualTo(leader);
            cluster.start(leader);
            assertThat(awaitIsr(admin, 3).isr().stream().map(Node::id).collect(Collectors.toSet())).isEqualTo(Set.of(1, 2, 3));
        }
    }

    private static org.apache.kafka.common.TopicPartitionInfo describe(Admin admin) throws Exception {
        TopicDescription d = admin.describeTopics(List.of("t")).allTopicNames().get().get("t");
        return d.partitions().get(0);
    }

    private static org.apache.kafka.common.TopicPartitionInfo awaitIsr(Admin admin, int size) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            org.apache.kafka.common.TopicPartitionInfo p = describe(admin);
            if (p.isr().size() == size && p.leader() != null) {
                return p;
            }
            assertThat(System.nanoTime()).as("ISR of t back to " + size + ": " + p).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
