package io.orderpipeline.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics the way a downstream user must: {@code isolation.level=read_committed}, from the
 * beginning up to the read_committed end offsets (the last stable offsets), raw bytes and headers.
 * Also answers "has this consumer group consumed everything" and "is a transaction still open".
 */
public final class OutputReader implements AutoCloseable {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrap;
    private final Map<String, String> clientProperties;
    private final Admin admin;

    public OutputReader(String bootstrap) {
        this(bootstrap, Map.of());
    }

    /** With client settings (security, say) for its admin client and consumers. */
    public OutputReader(String bootstrap, Map<String, String> clientProperties) {
        this.bootstrap = bootstrap;
        this.clientProperties = Map.copyOf(clientProperties);
        Properties props = new Properties();
        props.putAll(this.clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return consumer(IsolationLevel.READ_COMMITTED);
    }

    private KafkaConsumer<byte[], byte[]> consumer(IsolationLevel isolation) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every committed record of {@code topic}, in partition then offset order. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(topic, IsolationLevel.READ_COMMITTED);
    }

    /** Every record of {@code topic} a consumer with {@code isolation} sees (read_uncommitted: aborted ones too). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, IsolationLevel isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return readToEnd(consumer, partitions, topic);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("No topic " + topic);
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Polls until every partition's position reaches its read_committed end offset (the LSO). */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer,
            Collection<TopicPartition> partitions, String what) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, READ_TIMEOUT) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Could not read " + what + " up to its end offsets " + end + " within " + READ_TIMEOUT);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** The read_committed end offset (LSO) of every partition of {@code topic}. */
    public Map<TopicPartition, Long> committedEndOffsets(String topic) {
        return listOffsets(topic, IsolationLevel.READ_COMMITTED);
    }

    /** The log end offset (high watermark) of every partition of {@code topic}. */
    public Map<TopicPartition, Long> logEndOffsets(String topic) {
        return listOffsets(topic, IsolationLevel.READ_UNCOMMITTED);
    }

    private Map<TopicPartition, Long> listOffsets(String topic, IsolationLevel isolation) {
        try {
            int count = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < count; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list offsets of " + topic, e.getCause());
        }
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

    /**
     * How many committed data records of {@code topics} lie after the offsets consumer group
     * {@code groupId} has committed (a partition without a committed offset counts from the
     * beginning). Zero means the group has consumed, and under exactly-once committed the
     * outputs of, everything written so far. Control records (transaction markers) do not count.
     */
    public long unconsumed(String groupId, Collection<String> topics) {
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(groupId);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                partitions.addAll(partitions(consumer, topic));
            }
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = committed.get(tp);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset.offset());
                }
            }
            return readToEnd(consumer, partitions, "group " + groupId + " backlog").size();
        }
    }

    /**
     * The sum over {@code topics}' partitions of read_committed end offset minus the offset group
     * {@code groupId} has committed (offset 0 where it has none). Reads no record; counts the
     * transaction markers too, so it is at least {@link #unconsumed}, and more than a few per
     * partition only if data records are left (a marker follows at least one record of its
     * transaction in that partition).
     */
    public long offsetLag(String groupId, Collection<String> topics) {
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(groupId);
        long lag = 0;
        for (String topic : topics) {
            for (Map.Entry<TopicPartition, Long> end : committedEndOffsets(topic).entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += Math.max(0, end.getValue() - (offset == null ? 0 : offset.offset()));
            }
        }
        return lag;
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String groupId) {
        try {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the offsets of group " + groupId, e.getCause());
        }
    }

    /** The internal repartition topics of a streams app: {@code <applicationId>-...-repartition}. */
    public List<String> repartitionTopics(String applicationId) {
        try {
            return admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-repartition"))
                    .sorted().toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
