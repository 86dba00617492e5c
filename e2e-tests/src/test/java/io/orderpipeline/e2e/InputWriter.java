package io.orderpipeline.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes raw input records (valid or not) with an idempotent producer, so the input itself holds
 * no duplicate, and remembers where each one landed ({@link InputRecord}).
 */
public final class InputWriter implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Pending> pending = new ArrayList<>();
    private final List<InputRecord> written = new ArrayList<>();

    private record Pending(long timestamp, byte[] key, byte[] value, List<Header> headers, Future<RecordMetadata> result) {
    }

    public InputWriter(String bootstrap) {
        this(bootstrap, Map.of());
    }

    /** With producer settings added to (or overriding) the defaults, e.g. larger batches. */
    public InputWriter(String bootstrap, Map<String, String> producerProperties) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        // One request in flight: the tests write to topics created a moment before, and a first request
        // refused with NOT_LEADER_OR_FOLLOWER (the broker not yet leader) could be overtaken by the next
        // one, after which the broker refuses it as out of order until it expires (KAFKA-15591; seen in
        // BacklogIT with Kafka 4.4.0: 2543 orders never written).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.putAll(producerProperties);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record; {@code partition} null means the default partitioner on the key. */
    public void send(String topic, Integer partition, long timestamp, byte[] key, byte[] value, Header... headers) {
        List<Header> list = List.of(headers);
        pending.add(new Pending(timestamp, key, value, list,
                producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value, list))));
    }

    public void send(String topic, Integer partition, long timestamp, String key, String value, Header... headers) {
        send(topic, partition, timestamp, utf8(key), utf8(value), headers);
    }

    /** Waits until everything sent is acknowledged; returns the records written by this flush, in send order. */
    public List<InputRecord> flush() {
        producer.flush();
        List<InputRecord> done = new ArrayList<>();
        for (Pending p : pending) {
            try {
                RecordMetadata meta = p.result().get();
                done.add(new InputRecord(meta.topic(), meta.partition(), meta.offset(), p.timestamp(), p.key(), p.value(), p.headers()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Could not write an input record", e.getCause());
            }
        }
        pending.clear();
        written.addAll(done);
        return done;
    }

    /** Every record written (flushed) so far, in send order. */
    public List<InputRecord> written() {
        return List.copyOf(written);
    }

    /** The written records of one topic. */
    public List<InputRecord> written(String topic) {
        return written.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** A producer metric of group producer-metrics, e.g. batch-size-avg (bytes per batch sent), NaN if not there. */
    public double producerMetric(String name) {
        return producer.metrics().values().stream()
                .filter(m -> m.metricName().group().equals("producer-metrics") && m.metricName().name().equals(name))
                .map(m -> m.metricValue()).filter(v -> v instanceof Double).mapToDouble(v -> (Double) v).findFirst().orElse(Double.NaN);
    }

    @Override
    public void close() {
        flush();
        producer.close(Duration.ofSeconds(30));
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
