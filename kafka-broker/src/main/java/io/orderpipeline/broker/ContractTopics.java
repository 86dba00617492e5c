package io.orderpipeline.broker;

import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topic;
import io.orderpipeline.common.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of the contract: {@link Services#TOPICS} and the dead-letter topic of each of
 * {@link Services#NAMES}, {@code customers} compacted, replication factor 1 (one broker) unless
 * told otherwise (a cluster: {@link #create(Map, int, short)}). Topics that already exist are left
 * as they are.
 */
public final class ContractTopics {

    private ContractTopics() {
    }

    /** The topics {@link #create} creates, with their settings. */
    public static List<NewTopic> newTopics(int partitions) {
        return newTopics(partitions, (short) 1);
    }

    /** The same topics with {@code replicationFactor} replicas each ({@code min.insync.replicas} is the broker's). */
    public static List<NewTopic> newTopics(int partitions, short replicationFactor) {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<String, ?> topic : Services.TOPICS) {
            NewTopic newTopic = new NewTopic(topic.name(), partitions, replicationFactor);
            if (topic.name().equals(Topics.CUSTOMERS.name())) {
                newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(newTopic);
        }
        for (String service : Services.NAMES) {
            topics.add(new NewTopic(Topics.deadLetter(service), partitions, replicationFactor));
        }
        return topics;
    }

    /** Creates the contract topics with {@code partitions} partitions each; existing ones are fine. */
    public static void create(String bootstrapServers, int partitions) {
        create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), partitions, (short) 1);
    }

    /**
     * Creates the contract topics with {@code partitions} partitions and {@code replicationFactor}
     * replicas each, through an admin client with {@code adminProperties} (bootstrap servers and,
     * on a secured cluster, the security settings of a user allowed to create topics).
     */
    public static void create(Map<String, ?> adminProperties, int partitions, short replicationFactor) {
        Properties props = new Properties();
        props.putAll(adminProperties);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(newTopics(partitions, replicationFactor)).values().forEach((name, future) -> {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating " + name, e);
                }
            });
        }
    }
}
