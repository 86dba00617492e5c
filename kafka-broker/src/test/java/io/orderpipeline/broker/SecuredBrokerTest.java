package io.orderpipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecuredBrokerTest {

    @TempDir
    Path dir;

    @Test
    void onlyWhatAnAclAllows() throws Exception {
        SaslSsl security = new SaslSsl(TlsFiles.generate(dir.resolve("tls")), "admin", "admin-secret");
        try (KafkaBroker broker = KafkaBroker.startSecured(dir.resolve("broker"), security);
                Admin admin = Admin.create(props(broker, security.superUserProperties()))) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-secret"))).all().get();
            Properties alice = props(broker, security.clientProperties("alice", "alice-secret"));
            alice.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(alice, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("t", "k", "v")).get())
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                    new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW)))).all().get();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(alice, new StringSerializer(), new StringSerializer())) {
                    producer.send(new ProducerRecord<>("t", "k", "v")).get();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    // the ACL reaches the broker's authorizer through the metadata log, a moment later
                    assertThat(System.nanoTime()).as("alice may write after the ACL: " + e.getCause()).isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            assertThat(broker.toString()).contains("SASL_SSL");
        }
    }

    private static Properties props(KafkaBroker broker, Map<String, String> client) {
        Properties props = new Properties();
        props.putAll(new HashMap<>(client));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }
}
