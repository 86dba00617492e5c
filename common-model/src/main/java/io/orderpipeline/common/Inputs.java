package io.orderpipeline.common;

import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The input topics as every service reads them: each record read through its topic's serde (a
 * record that is not valid goes to the dead-letter topic there), then its timestamp checked
 * against the wall clock ({@link Validation#timestamp}). A record stamped more than
 * {@value #MAX_AHEAD_SECONDS} ahead of this instance's clock fails the check before any service
 * step sees it: the processing exception handler sends it to the dead-letter topic, its bytes as
 * read, with the reason in {@code __streams.errors.message}. So one producer whose clock runs fast
 * cannot move an event time forward (product-revenue's partitions, customer-join's versioned
 * table). Kafka Streams' own stream time has seen the record by then, but no service's results
 * depend on it: the services keep their event time from checked records only.
 */
public final class Inputs {

    /** Environment variable: how far (seconds) a record's timestamp may be ahead of the wall clock. */
    public static final String MAX_AHEAD_SECONDS = EnvVariable.MAX_TIMESTAMP_AHEAD_SECONDS.name();
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofMinutes(5);
    /**
     * The streams property the service runtime sets from {@value #MAX_AHEAD_SECONDS}, in
     * milliseconds; the check reads it from the app's configuration (absent: the default).
     */
    public static final String MAX_AHEAD_PROPERTY = "orderpipeline.max.timestamp.ahead.ms";

    private Inputs() {
    }

    /** {@code orders}: every valid order with its bytes as read, timestamp checked. */
    public static KStream<String, Parsed<Order>> orders(StreamsBuilder builder) {
        return builder.stream(Topics.ORDERS_AS_READ.name(), Topics.ORDERS_AS_READ.consumed().withName("orders-source"))
                .processValues(() -> new CheckTimestamp<>("Order"), Named.as("orders-timestamp-check"));
    }

    /** {@code customers}: every valid customer record (a null value is a tombstone), timestamp checked. */
    public static KStream<String, Customer> customers(StreamsBuilder builder) {
        return builder.stream(Topics.CUSTOMERS.name(), Topics.CUSTOMERS.consumed().withName("customers-source"))
                .processValues(() -> new CheckTimestamp<>("Customer"), Named.as("customers-timestamp-check"));
    }

    /** How far ahead of the wall clock a timestamp may be, from the app's configuration. */
    static long maxAheadMs(Object configured) {
        if (configured == null) {
            return DEFAULT_MAX_AHEAD.toMillis();
        }
        return Long.parseLong(configured.toString());
    }

    /** Forwards each record unchanged unless its timestamp is too far ahead; then fails it with the reason. */
    private static final class CheckTimestamp<V> extends ContextualFixedKeyProcessor<String, V, V> {

        private final String type;
        private long maxAheadMs;

        CheckTimestamp(String type) {
            this.type = type;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            super.init(context);
            this.maxAheadMs = maxAheadMs(context.appConfigs().get(MAX_AHEAD_PROPERTY));
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            try {
                Validation.timestamp(record.timestamp(), context().currentSystemTimeMs(), maxAheadMs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid " + type + ": " + e.getMessage(), e);
            }
            context().forward(record);
        }
    }
}
