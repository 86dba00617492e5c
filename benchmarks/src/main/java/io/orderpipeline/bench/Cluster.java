package io.orderpipeline.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** The admin reads the harness needs: topics, end offsets, a group's committed offsets and members. */
final class Cluster implements AutoCloseable {

    final String bootstrap;
    private final Admin admin;

    Cluster(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(props);
    }

    void createTopics(List<String> names, int partitions) {
        for (String name : names) {
            try {
                get(admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all());
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    List<TopicPartition> partitions(String topic) {
        return get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** The log end offsets (every record and transaction marker), or with {@code committed} the last stable offsets. */
    Map<TopicPartition, Long> ends(List<TopicPartition> partitions, boolean committed) {
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(admin.listOffsets(specs, new ListOffsetsOptions(committed ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED))
                .all()).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    Map<TopicPartition, Long> ends(String topic) {
        return ends(partitions(topic), false);
    }

    /** A group's committed offsets (a partition without a commit is missing). */
    Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, Long> result = new HashMap<>();
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((tp, om) -> {
            if (om != null) {
                result.put(tp, om.offset());
            }
        });
        return result;
    }

    private Set<String> appTopics(String applicationId) {
        return get(admin.listTopics().names()).stream().filter(name -> name.startsWith(applicationId + "-")).collect(Collectors.toSet());
    }

    /** The partitions of a streams app's repartition topics. */
    List<TopicPartition> repartitionPartitions(String applicationId) {
        return appTopics(applicationId).stream().filter(t -> t.endsWith("-repartition")).flatMap(t -> partitions(t).stream()).toList();
    }

    /** Deletes a streams app's topics (internal ones and its DLQ). */
    void deleteAppTopics(String applicationId) {
        Set<String> topics = appTopics(applicationId);
        if (!topics.isEmpty()) {
            get(admin.deleteTopics(topics).all());
        }
    }

    List<MemberDescription> members(String group) {
        return List.copyOf(get(admin.describeConsumerGroups(List.of(group)).all()).get(group).members());
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("admin request failed: " + e, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
