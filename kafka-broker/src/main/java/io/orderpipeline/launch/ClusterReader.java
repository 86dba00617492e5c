package io.orderpipeline.launch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the local stack, the end-to-end tests and the benchmark ask a cluster: topics and their
 * partitions, end offsets (the log end, or the last stable offset a {@code read_committed}
 * consumer reads up to), a consumer group's committed offsets, lag and members, open transactions,
 * and whole topics read the way a downstream user must ({@code read_committed}, raw bytes and
 * headers). Every call waits at most the timeout it was made with; a failure is an
 * {@link IllegalStateException}.
 */
public final class ClusterReader implements AutoCloseable {

    private final String bootstrap;
    private final Map<String, String> clientProperties;
    private final Duration timeout;
    private final Admin admin;

    /** With a 60 s timeout and no client settings. */
    public ClusterReader(String bootstrap) {
        this(bootstrap, Map.of(), Duration.ofSeconds(60));
    }

    /** With client settings (security, say) for its admin client and consumers. */
    public ClusterReader(String bootstrap, Map<String, String> clientProperties, Duration timeout) {
        this.bootstrap = bootstrap;
        this.clientProperties = Map.copyOf(clientProperties);
        this.timeout = timeout;
        Properties props = new Properties();
        props.putAll(this.clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
    }

    public String bootstrap() {
        return bootstrap;
    }

    public Admin admin() {
        return admin;
    }

    /** A byte-array consumer with {@code isolation}, no group, from the earliest offset. */
    public KafkaConsumer<byte[], byte[]> consumer(IsolationLevel isolation) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Creates {@code names} with {@code partitions} partitions and {@code replicationFactor} replicas; existing ones are fine. */
    public void createTopics(Collection<String> names, int partitions, short replicationFactor) {
        admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, replicationFactor)).toList()).values()
                .forEach((name, future) -> {
                    try {
                        get(future);
                    } catch (IllegalStateException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                });
    }

    /** The partitions of {@code topic}. */
    public List<TopicPartition> partitions(String topic) {
        return partitions(List.of(topic));
    }

    /** The partitions of {@code topics}, topic by topic. */
    public List<TopicPartition> partitions(Collection<String> topics) {
        var described = get(admin.describeTopics(topics).allTopicNames());
        return topics.stream().flatMap(topic -> described.get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))).toList();
    }

    /** The topics whose name starts with {@code prefix}. */
    public Set<String> topicsStartingWith(String prefix) {
        return get(admin.listTopics().names()).stream().filter(name -> name.startsWith(prefix)).collect(Collectors.toSet());
    }

    /** The internal repartition topics of a streams app: {@code <applicationId>-...-repartition}, sorted. */
    public List<String> repartitionTopics(String applicationId) {
        return topicsStartingWith(applicationId + "-").stream().filter(name -> name.endsWith("-repartition")).sorted().toList();
    }

    /** Deletes a streams app's topics ({@code <applicationId>-...}: its internal ones and its dead-letter topic). */
    public void deleteAppTopics(String applicationId) {
        Set<String> topics = topicsStartingWith(applicationId + "-");
        if (!topics.isEmpty()) {
            get(admin.deleteTopics(topics).all());
        }
    }

    /** The read_committed end offset (the last stable offset, before any open transaction) of every partition of {@code topic}. */
    public Map<TopicPartition, Long> committedEndOffsets(String topic) {
        return endOffsets(partitions(topic), IsolationLevel.READ_COMMITTED);
    }

    /** The log end offset (every record written, committed or not, and transaction markers) of every partition of {@code topic}. */
    public Map<TopicPartition, Long> logEndOffsets(String topic) {
        return endOffsets(partitions(topic), IsolationLevel.READ_UNCOMMITTED);
    }

    /** The end offsets of {@code partitions} as a consumer with {@code isolation} sees them. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, IsolationLevel isolation) {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all()).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Partitions of {@code topic} whose read_committed end is behind the log end: a transaction is open there. */
    public Map<TopicPartition, String> openTransactions(String topic) {
        Map<TopicPartition, Long> stable = committedEndOffsets(topic);
        Map<TopicPartition, Long> end = logEndOffsets(topic);
        Map<TopicPartition, String> open = new HashMap<>();
        end.forEach((tp, logEnd) -> {
            if (!logEnd.equals(stable.get(tp))) {
                open.put(tp, "read_committed end " + stable.get(tp) + " < log end " + logEnd);
            }
        });
        return open;
    }

    /** Group {@code groupId}'s committed offsets (a partition missing: nothing committed there yet). */
    public Map<TopicPartition, Long> committed(String groupId) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()).forEach((tp, offset) -> {
            if (offset != null) {
                offsets.put(tp, offset.offset());
            }
        });
        return offsets;
    }

    /** The members of group {@code groupId}, with their client ids and assigned partitions. */
    public List<MemberDescription> members(String groupId) {
        return List.copyOf(get(admin.describeConsumerGroups(List.of(groupId)).all()).get(groupId).members());
    }

    /**
     * The sum over {@code topics}' partitions of the read_committed end offset minus the offset group
     * {@code groupId} has committed (offset 0 where it has none). Reads no record; counts transaction
     * markers too, so it is at least {@link #unconsumed}, and more than a few per partition only if
     * data records are left (a marker follows at least one record of its transaction in that partition).
     */
    public long offsetLag(String groupId, Collection<String> topics) {
        List<TopicPartition> inputs = partitions(topics);
        return offsetLag(inputs, endOffsets(inputs, IsolationLevel.READ_COMMITTED), committed(groupId));
    }

    /** As {@link #offsetLag}, but empty while the group has committed nothing on {@code topics} (still starting). */
    public OptionalLong lag(String groupId, Collection<String> topics) {
        List<TopicPartition> inputs = partitions(topics);
        return lag(inputs, endOffsets(inputs, IsolationLevel.READ_COMMITTED), committed(groupId));
    }

    /** {@link #offsetLag}, or empty when none of {@code inputs} has a committed offset. */
    static OptionalLong lag(Collection<TopicPartition> inputs, Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> committed) {
        return inputs.stream().anyMatch(committed::containsKey) ? OptionalLong.of(offsetLag(inputs, endOffsets, committed))
                : OptionalLong.empty();
    }

    /** End offset minus committed offset, summed over {@code inputs}, never negative per partition; no committed offset counts from 0. */
    static long offsetLag(Collection<TopicPartition> inputs, Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> committed) {
        long lag = 0;
        for (TopicPartition partition : inputs) {
            lag += Math.max(0, endOffsets.getOrDefault(partition, 0L) - committed.getOrDefault(partition, 0L));
        }
        return lag;
    }

    /**
     * How many committed data records of {@code topics} lie after the offsets consumer group
     * {@code groupId} has committed (a partition without a committed offset counts from the
     * beginning). Zero means the group has consumed, and under exactly-once committed the outputs
     * of, everything written so far. Control records (transaction markers) do not count.
     */
    public long unconsumed(String groupId, Collection<String> topics) {
        Map<TopicPartition, Long> committed = committed(groupId);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(IsolationLevel.READ_COMMITTED)) {
            List<TopicPartition> partitions = partitions(topics);
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                Long offset = committed.get(tp);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
            }
            return readToEnd(consumer, partitions, "group " + groupId + " backlog").size();
        }
    }

    /** Every committed record of {@code topic}, in partition then offset order. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(topic, IsolationLevel.READ_COMMITTED);
    }

    /** Every record of {@code topic} a consumer with {@code isolation} sees (read_uncommitted: aborted ones too). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, IsolationLevel isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
            List<TopicPartition> partitions = partitions(topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return readToEnd(consumer, partitions, topic);
        }
    }

    /** Polls until every partition's position reaches its end offset (for read_committed, the LSO). */
    private List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer,
            Collection<TopicPartition> partitions, String what) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + what + " up to its end offsets " + end + " within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    private <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from " + bootstrap + " within " + timeout, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
