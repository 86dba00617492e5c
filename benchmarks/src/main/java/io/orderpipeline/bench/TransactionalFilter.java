package io.orderpipeline.bench;

import io.orderpipeline.common.Json;
import io.orderpipeline.common.Order;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What a user would write for order-filter without Kafka Streams: one read_committed consumer,
 * one transactional producer; each order parsed with the shared {@link Json#MAPPER} into
 * {@link Order} (which validates it), sent unchanged when {@code amount > 100}; every
 * {@code commitMs} the consumed offsets go into the transaction ({@code sendOffsetsToTransaction})
 * and it commits. A record that does not parse is skipped (order-filter would send it to its DLQ).
 *
 * <p>{@code TransactionalFilter <bootstrap> <group> <input> <output> <commitMs> <earliest|latest>}.
 */
public final class TransactionalFilter {

    private static final BigDecimal THRESHOLD = new BigDecimal("100");

    private TransactionalFilter() {
    }

    public static void main(String[] args) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        PlainCopy.Loop loop = new PlainCopy.Loop(args) {
            @Override
            Properties consumerProperties() {
                Properties p = super.consumerProperties();
                p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
                return p;
            }

            @Override
            Properties producerProperties() {
                Properties p = super.producerProperties();
                p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-tx");
                return p;
            }

            @Override
            void begin() {
                if (!initialized) {
                    producer.initTransactions();
                    initialized = true;
                }
                producer.beginTransaction();
            }

            @Override
            void commit() {
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(Map.copyOf(offsets), consumer.groupMetadata());
                    offsets.clear();
                }
                producer.commitTransaction();
            }

            @Override
            void abort() {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException e) {
                    // the producer is fenced or failed; closing it is all that is left
                }
            }

            private boolean initialized;
        };
        loop.run((record, producer) -> {
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            if (record.value() == null) {
                return;
            }
            Order order;
            try {
                order = Json.MAPPER.readValue(record.value(), Order.class);
            } catch (IOException e) {
                return;
            }
            if (order.amount().compareTo(THRESHOLD) > 0) {
                producer.send(new ProducerRecord<>(loop.output, null, record.timestamp(), record.key(), record.value(),
                        record.headers()));
            }
        });
    }
}
