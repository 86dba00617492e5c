package io.orderpipeline.bench;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The ceiling for any consume-transform-produce app on this broker, and the reference of every
 * ratio in the results: a plain copy with kafka-clients that never waits on its producer. Each
 * record (key, value, timestamp, headers unchanged) is sent with a callback; the records of a
 * poll are one batch, and once every send of a batch and of all batches before it is acknowledged
 * its offsets become committable; every {@code commitMs} they are committed with
 * {@code commitAsync} (at-least-once: no offset is committed before its record is written). Only
 * when partitions are revoked and at the end does it flush and commit synchronously. Its producer
 * batches as the services' do ({@value #BATCH_SIZE} bytes); otherwise Kafka Streams' client defaults.
 *
 * <p>{@code NonBlockingCopy <bootstrap> <group> <input> <output> <commitMs> <earliest|latest>}.
 */
public final class NonBlockingCopy {

    /** The services' producer batch size (ServiceConfig's default), not Kafka's 16 KB: the ceiling is no worse tuned than they are. */
    static final String BATCH_SIZE = "131072";

    private NonBlockingCopy() {
    }

    /** The records of one poll: sends not yet acknowledged, and the offsets to commit once none are left. */
    private static final class Batch {
        final AtomicInteger unacknowledged = new AtomicInteger();
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    }

    public static void main(String[] args) {
        ArrayDeque<Batch> inFlight = new ArrayDeque<>();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Batch[] current = {new Batch()};
        PlainCopy.Loop loop = new PlainCopy.Loop(args) {
            @Override
            Properties producerProperties() {
                Properties p = super.producerProperties();
                p.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
                return p;
            }

            @Override
            void polled() {
                if (failure.get() != null) {
                    throw new IllegalStateException("a send failed", failure.get());
                }
                seal();
            }

            private void seal() {
                if (!current[0].offsets.isEmpty()) {
                    inFlight.add(current[0]);
                    current[0] = new Batch();
                }
            }

            /** Moves the offsets of the acknowledged batches at the head of the queue to {@code committable}. */
            private void collect() {
                while (!inFlight.isEmpty() && inFlight.peek().unacknowledged.get() == 0) {
                    committable.putAll(inFlight.poll().offsets);
                }
            }

            @Override
            void commit() {
                collect();
                if (!committable.isEmpty()) {
                    consumer.commitAsync(Map.copyOf(committable), (offsets, e) -> {
                        if (e != null) {
                            System.out.println("commitAsync failed (a later commit covers it): " + e);
                        }
                    });
                    committable.clear();
                }
            }

            @Override
            void commitFinal() {
                seal();
                producer.flush();
                collect();
                if (failure.get() == null && !committable.isEmpty()) {
                    consumer.commitSync(Map.copyOf(committable));
                }
                committable.clear();
                inFlight.clear();
            }
        };
        loop.run((record, producer) -> {
            Batch batch = current[0];
            batch.unacknowledged.incrementAndGet();
            batch.offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            producer.send(new ProducerRecord<>(loop.output, null, record.timestamp(), record.key(), record.value(), record.headers()),
                    (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e); // the batch stays unacknowledged: never committed
                        } else {
                            batch.unacknowledged.decrementAndGet();
                        }
                    });
        });
    }
}
