package io.orderpipeline.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** The admin operations the harness needs: topics, end offsets, a group's committed offsets and members. */
final class Cluster implements AutoCloseable {

    private final String bootstrap;
    private final Admin admin;

    Cluster(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
    }

    String bootstrap() {
        return bootstrap;
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

    /** The log end offsets (every record written, committed or not, and transaction markers). */
    Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> result = get(admin.listOffsets(specs).all());
        Map<TopicPartition, Long> ends = new HashMap<>();
        result.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** The last stable offsets: the end as a read_committed consumer sees it (before any open transaction). */
    Map<TopicPartition, Long> stableOffsets(List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> result = get(admin.listOffsets(specs,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
        Map<TopicPartition, Long> ends = new HashMap<>();
        result.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    Map<TopicPartition, Long> endOffsets(String topic) {
        return endOffsets(partitions(topic));
    }

    /** A group's committed offsets (missing partitions: nothing committed yet). */
    Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                result.put(tp, om.offset());
            }
        });
        return result;
    }

    /** The topics whose name starts with {@code prefix}. */
    Set<String> topicsStartingWith(String prefix) {
        return get(admin.listTopics().names()).stream().filter(name -> name.startsWith(prefix)).collect(Collectors.toSet());
    }

    /** Deletes a streams app's topics ({@code <appId>-...}, internal ones and its DLQ); not needed again. */
    void deleteAppTopics(String applicationId) {
        Set<String> topics = topicsStartingWith(applicationId + "-");
        if (!topics.isEmpty()) {
            get(admin.deleteTopics(topics).all());
        }
    }

    /** The members of a group, with their client ids and assigned partitions. */
    List<MemberDescription> members(String group) {
        return List.copyOf(get(admin.describeConsumerGroups(List.of(group)).all()).get(group).members());
    }

    static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("admin request timed out", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
