package io.orderpipeline.stats;

import static io.orderpipeline.common.Topics.CUSTOMER_ALERTS;
import static io.orderpipeline.common.Topics.CUSTOMER_STATS;

import io.orderpipeline.common.BinaryDecimal;
import io.orderpipeline.common.CustomerAlert;
import io.orderpipeline.common.CustomerStats;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.JsonSerde;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * orders to customer-stats and customer-alerts: each valid order's amount re-keyed by customer id
 * (repartition topic {@value #REPARTITION}, the amount in binary: {@link #AMOUNT}; one JSON parse
 * per order), a running {@link CustomerStats} per customer in the persistent key-value store
 * {@value #STORE} (customer id string to CustomerStats in binary, {@link #STATS}; cached: one
 * changelog record per customer and commit), emitted after every order, and one
 * {@link CustomerAlert} when an order takes a customer's total from {@code <= threshold} to
 * {@code > threshold}. The latest {@value #ALERTS_KEPT} alerts of each partition are also kept in
 * {@value #ALERTS_STORE} (for {@code GET /alerts}).
 *
 * <p>A processor owns the store, rather than {@code aggregate}, because the alert needs the totals
 * before and after each order, and it forwards on every order (no record cache in the way).
 */
public final class CustomerStatsTopology {

    /** The store of running totals: key the customer id as a decimal string, value {@link CustomerStats}. */
    public static final String STORE = "customer-stats-store";
    /**
     * The latest alerts of each partition, oldest first: key the alert's time and customer
     * ({@link #alertKey}), value {@link LatestAlert}; at most {@value #ALERTS_KEPT} per partition.
     */
    public static final String ALERTS_STORE = "customer-alerts-store";
    /** How many alerts {@value #ALERTS_STORE} keeps per partition: {@code GET /alerts} answers at most as many. */
    public static final int ALERTS_KEPT = 100;
    static final Serde<LatestAlert> LATEST_ALERT = JsonSerde.of(LatestAlert.class);
    /** The repartition topic's name; Kafka Streams prefixes it with the application id. */
    public static final String REPARTITION = "amounts-by-customer";
    /** An order's amount on {@value #REPARTITION}: {@link BinaryDecimal}. */
    static final Serde<BigDecimal> AMOUNT = Serdes.serdeFrom(
            (topic, amount) -> amount == null ? null : BinaryDecimal.write(ByteBuffer.allocate(BinaryDecimal.size(amount)), amount).array(),
            (topic, bytes) -> bytes == null ? null : BinaryDecimal.read(ByteBuffer.wrap(bytes)));
    /** A customer's totals in {@value #STORE}: customer id, count, then the total ({@link BinaryDecimal}). */
    static final Serde<CustomerStats> STATS = Serdes.serdeFrom(
            (topic, stats) -> stats == null ? null : BinaryDecimal.write(ByteBuffer.allocate(2 * Long.BYTES + BinaryDecimal.size(stats.total()))
                    .putLong(stats.customerId()).putLong(stats.count()), stats.total()).array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer in = ByteBuffer.wrap(bytes);
                return new CustomerStats(in.getLong(), in.getLong(), BinaryDecimal.read(in));
            });

    private CustomerStatsTopology() {
    }

    public static Topology build(BigDecimal alertThreshold) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), STATS)
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ALERTS_STORE), Serdes.String(), LATEST_ALERT));

        KStream<String, Update> updates = Inputs.orders(builder)
                .map((orderId, order) -> KeyValue.pair(String.valueOf(order.value().customerId()), order.value().amount()),
                        Named.as("amount-by-customer"))
                .repartition(Repartitioned.<String, BigDecimal>as(REPARTITION).withKeySerde(Serdes.String()).withValueSerde(AMOUNT))
                .processValues(UpdateStats::new, Named.as("update-customer-stats"), STORE);

        updates.mapValues(Update::after, Named.as("stats-after-order"))
                .to(CUSTOMER_STATS.name(), CUSTOMER_STATS.produced().withName("customer-stats-sink"));
        updates.filter((customerId, update) -> update.crosses(alertThreshold), Named.as("total-crosses-threshold"))
                .mapValues(update -> CustomerAlert.of(update.after(), alertThreshold), Named.as("to-alert"))
                .processValues(KeepLatestAlerts::new, Named.as("keep-latest-alerts"), ALERTS_STORE)
                .to(CUSTOMER_ALERTS.name(), CUSTOMER_ALERTS.produced().withName("customer-alerts-sink"));
        return builder.build();
    }

    /** A customer's totals before and after one order; passed between processors, never serialized. */
    record Update(CustomerStats before, CustomerStats after) {

        boolean crosses(BigDecimal threshold) {
            return before.total().compareTo(threshold) <= 0 && after.total().compareTo(threshold) > 0;
        }
    }

    /** An alert as {@code GET /alerts} shows it: the alert and when it was raised (the crossing order's timestamp). */
    record LatestAlert(long customerId, long count, BigDecimal total, BigDecimal threshold, Instant alertedAt) {
    }

    /** The key of an alert in {@value #ALERTS_STORE}: its time (zero-padded, so keys sort by time), then its customer. */
    static String alertKey(long timestamp, long customerId) {
        return String.format("%019d %d", timestamp, customerId);
    }

    /**
     * Keeps each alert in {@value #ALERTS_STORE}, dropping the oldest past {@value #ALERTS_KEPT}; forwards the alert unchanged.
     * The entries are counted once when the task starts (a restored or revived task counts again), so an alert reads back only
     * the entries it drops, not the whole store (10,000 customers crossing meant 10,000 reads of 100 alerts).
     */
    static final class KeepLatestAlerts extends ContextualFixedKeyProcessor<String, CustomerAlert, CustomerAlert> {

        private KeyValueStore<String, LatestAlert> store;
        private long entries;

        @Override
        public void init(FixedKeyProcessorContext<String, CustomerAlert> context) {
            super.init(context);
            this.store = context.getStateStore(ALERTS_STORE);
            try (KeyValueIterator<String, LatestAlert> all = store.all()) {
                all.forEachRemaining(entry -> entries++);
            }
        }

        @Override
        public void process(FixedKeyRecord<String, CustomerAlert> record) {
            CustomerAlert alert = record.value();
            String key = alertKey(record.timestamp(), alert.customerId());
            if (store.get(key) == null) {
                entries++;
            }
            store.put(key, new LatestAlert(alert.customerId(), alert.count(), alert.total(), alert.threshold(),
                    Instant.ofEpochMilli(record.timestamp())));
            if (entries > ALERTS_KEPT) {
                List<String> oldest = new ArrayList<>();
                try (KeyValueIterator<String, LatestAlert> all = store.all()) {
                    while (oldest.size() < entries - ALERTS_KEPT && all.hasNext()) {
                        oldest.add(all.next().key);
                    }
                }
                oldest.forEach(store::delete);
                entries -= oldest.size();
            }
            context().forward(record);
        }
    }

    /** Adds each order's amount to its customer's totals in the store and forwards the totals before and after. */
    private static final class UpdateStats extends ContextualFixedKeyProcessor<String, BigDecimal, Update> {

        private KeyValueStore<String, CustomerStats> store;

        @Override
        public void init(FixedKeyProcessorContext<String, Update> context) {
            super.init(context);
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, BigDecimal> record) {
            CustomerStats before = store.get(record.key());
            if (before == null) {
                before = CustomerStats.empty(Long.parseLong(record.key()));
            }
            CustomerStats after = before.add(record.value());
            store.put(record.key(), after);
            context().forward(record.withValue(new Update(before, after)));
        }
    }
}
