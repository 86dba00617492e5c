package io.orderpipeline.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A plain copy with kafka-clients that waits on its producer: no parsing, no transactions. Polls,
 * sends every record (key, value, timestamp, headers unchanged) to the output topic, and every
 * {@code commitMs} flushes the producer (waits for every send) and commits the consumed offsets
 * synchronously (at-least-once, like Kafka Streams' own commit). An extra row of the table: the
 * reference every ratio is taken to is {@link NonBlockingCopy}, which never waits.
 *
 * <p>{@code PlainCopy <bootstrap> <group> <input> <output> <commitMs> <earliest|latest>}; prints a
 * line with "-> RUNNING" when it has its partitions; stops cleanly on SIGTERM.
 */
public final class PlainCopy {

    private PlainCopy() {
    }

    public static void main(String[] args) {
        Loop loop = new Loop(args);
        loop.run((record, producer) -> producer.send(new ProducerRecord<>(loop.output, null, record.timestamp(),
                record.key(), record.value(), record.headers())));
    }

    /** What {@link PlainCopy}, {@link NonBlockingCopy} and {@link TransactionalFilter} share: arguments, clients, the poll loop. */
    static class Loop {
        final String bootstrap;
        final String group;
        final String input;
        final String output;
        final long commitMs;
        final String reset;
        final AtomicBoolean stop = new AtomicBoolean();
        KafkaConsumer<byte[], byte[]> consumer;
        KafkaProducer<byte[], byte[]> producer;
        /** Set once the last commit is done: closing the consumer revokes without another commit. */
        private volatile boolean closing;

        Loop(String[] args) {
            bootstrap = args[0];
            group = args[1];
            input = args[2];
            output = args[3];
            commitMs = Long.parseLong(args[4]);
            reset = args[5];
        }

        /** Consumer settings: Kafka Streams' own defaults for a consumer (1000 records a poll). */
        Properties consumerProperties() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            return p;
        }

        /** Producer settings: Kafka Streams' own defaults for a producer (linger.ms 100), acks=all. */
        Properties producerProperties() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "100");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            return p;
        }

        interface Handler {
            void handle(ConsumerRecord<byte[], byte[]> record, KafkaProducer<byte[], byte[]> producer) throws Exception;
        }

        /** Hooks for the transactional loop; the plain copy flushes and commits. */
        void begin() {
        }

        void commit() {
            producer.flush();
            consumer.commitSync();
        }

        /** The commit before partitions are revoked or the loop stops: {@link #commit()} unless overridden. */
        void commitFinal() {
            commit();
        }

        /** Called after the records of each poll have been handled. */
        void polled() {
        }

        void abort() {
        }

        void run(Handler handler) {
            consumer = new KafkaConsumer<>(consumerProperties());
            producer = new KafkaProducer<>(producerProperties());
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.set(true);
                consumer.wakeup();
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            AtomicBoolean running = new AtomicBoolean();
            boolean failed = false;
            try {
                begin();
                consumer.subscribe(List.of(input), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        if (!closing) {
                            commitFinal();
                            begin();
                        }
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (!partitions.isEmpty() && running.compareAndSet(false, true)) {
                            System.out.println(group + " state STARTING -> RUNNING " + partitions);
                        }
                    }
                });
                long lastCommit = System.currentTimeMillis();
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        handler.handle(record, producer);
                    }
                    polled();
                    long now = System.currentTimeMillis();
                    if (now - lastCommit >= commitMs) {
                        commit();
                        begin();
                        lastCommit = now;
                    }
                }
                closing = true;
                commitFinal();
            } catch (WakeupException e) {
                closing = true;
                commitFinal();
            } catch (Exception e) {
                closing = true;
                e.printStackTrace();
                abort();
                failed = true;
            } finally {
                producer.close(Duration.ofSeconds(10));
                consumer.close(Duration.ofSeconds(10));
                System.out.println(group + " state RUNNING -> " + (failed ? "ERROR" : "STOPPED"));
            }
            if (failed) {
                Runtime.getRuntime().halt(1); // not exit(): the shutdown hook would wait for this thread
            }
        }
    }
}
