package io.orderpipeline.bench;

import io.orderpipeline.bench.Benchmark.Guarantee;
import io.orderpipeline.common.*;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.atomic.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.*;

/**
 * The ceilings, each in its own JVM: {@code Ceiling <kind> <bootstrap> <group> <input> <output> <commitMs> <earliest|latest>};
 * prints "-> RUNNING" once it has partitions, stops cleanly on SIGTERM. Each kind is described in benchmarks/README.md.
 */
public final class Ceiling {

    enum Kind {
        NON_BLOCKING("non-blocking copy (kafka-clients)", "bench-nb-copy", Guarantee.AT_LEAST_ONCE),
        BLOCKING("blocking copy (flush + commitSync)", "bench-copy", Guarantee.AT_LEAST_ONCE),
        TRANSACTIONAL("hand-written transactional filter", "bench-tx-filter", Guarantee.EXACTLY_ONCE_V2);

        final String subject;
        final String output;
        final Guarantee guarantee;

        Kind(String subject, String output, Guarantee guarantee) {
            this.subject = subject;
            this.output = output;
            this.guarantee = guarantee;
        }
    }

    /** The records of one poll (non-blocking copy): sends not yet acknowledged, the offsets to commit once none are left. */
    private record Batch(AtomicInteger unacknowledged, Map<TopicPartition, OffsetAndMetadata> offsets) { }

    private final Kind kind;
    private final String output;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Batch batch = new Batch(new AtomicInteger(), new HashMap<>());
    private volatile boolean closing;

    private Ceiling(Kind kind, String bootstrap, String group, String output, String reset) {
        this.kind = kind;
        this.output = output;
        Map<String, Object> c = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000"));
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, kind == Kind.TRANSACTIONAL ? "read_committed" : "read_uncommitted");
        Map<String, Object> p = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "100"));
        if (kind == Kind.NON_BLOCKING) {
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072"); // as the services batch (ServiceConfig's default)
        } else if (kind == Kind.TRANSACTIONAL) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-tx");
        }
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static void main(String[] args) {
        Ceiling loop = new Ceiling(Kind.valueOf(args[0]), args[1], args[2], args[4], args[6]);
        if (!loop.run(args[2], args[3], Long.parseLong(args[5]))) {
            Runtime.getRuntime().halt(1); // not exit(): the shutdown hook would wait for this thread
        }
    }

    private boolean run(String group, String input, long commitMs) {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.wakeup();
            Latency.join(main, 30_000);
        }));
        boolean failed = false;
        try {
            if (kind == Kind.TRANSACTIONAL) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            consumer.subscribe(List.of(input), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!closing) {
                        commit(true);
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        System.out.println(group + " state STARTING -> RUNNING " + partitions);
                    }
                }
            });
            for (long lastCommit = System.currentTimeMillis(); ; ) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    handle(record);
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("a send failed", failure.get());
                }
                seal();
                if (System.currentTimeMillis() - lastCommit >= commitMs) {
                    commit(false);
                    lastCommit = System.currentTimeMillis();
                }
            }
        } catch (WakeupException e) { // SIGTERM
            closing = true;
            commit(true);
        } catch (Exception e) {
            closing = true;
            failed = true;
            e.printStackTrace();
        } finally {
            producer.close(Duration.ofSeconds(10)); // an open transaction is aborted
            consumer.close(Duration.ofSeconds(10));
            System.out.println(group + " state RUNNING -> " + (failed ? "ERROR" : "STOPPED"));
        }
        return !failed;
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) throws java.io.IOException {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        var copy = new ProducerRecord<>(output, null, record.timestamp(), record.key(), record.value(), record.headers());
        switch (kind) {
            case BLOCKING -> producer.send(copy);
            case NON_BLOCKING -> {
                Batch current = batch;
                current.unacknowledged().incrementAndGet();
                current.offsets().put(tp, new OffsetAndMetadata(record.offset() + 1));
                producer.send(copy, (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e); // the batch stays unacknowledged: never committed
                    } else {
                        current.unacknowledged().decrementAndGet();
                    }
                });
            }
            case TRANSACTIONAL -> {
                offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
                Order order = record.value() == null ? null : Json.MAPPER.readValue(record.value(), Order.class);
                if (order != null && order.amount().compareTo(BigDecimal.valueOf(100)) > 0) {
                    producer.send(copy);
                }
            }
        }
    }

    /** Non-blocking copy: a poll's records become one batch in flight. */
    private void seal() {
        if (!batch.offsets().isEmpty()) {
            inFlight.add(batch);
            batch = new Batch(new AtomicInteger(), new HashMap<>());
        }
    }

    /** The periodic commit, or ({@code last}) the one before partitions are revoked or the loop stops. */
    private void commit(boolean last) {
        switch (kind) {
            case BLOCKING -> {
                producer.flush();
                consumer.commitSync();
            }
            case TRANSACTIONAL -> {
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(Map.copyOf(offsets), consumer.groupMetadata());
                    offsets.clear();
                }
                producer.commitTransaction();
                producer.beginTransaction();
            }
            case NON_BLOCKING -> {
                if (last) {
                    seal();
                    producer.flush();
                }
                while (!inFlight.isEmpty() && inFlight.peek().unacknowledged().get() == 0) {
                    offsets.putAll(inFlight.poll().offsets());
                }
                if (last && failure.get() == null && !offsets.isEmpty()) {
                    consumer.commitSync(Map.copyOf(offsets));
                } else if (!offsets.isEmpty()) {
                    consumer.commitAsync(Map.copyOf(offsets), (o, e) -> {
                        if (e != null) {
                            System.out.println("commitAsync failed (a later commit covers it): " + e);
                        }
                    });
                }
                offsets.clear();
                if (last) {
                    inFlight.clear();
                }
            }
        }
    }
}
