package io.orderpipeline.join;

import static io.orderpipeline.common.Topics.CUSTOMERS;
import static io.orderpipeline.common.Topics.CUSTOMER_ENRICHED_ORDERS;
import static io.orderpipeline.common.Topics.ORDERS_AS_READ;

import io.orderpipeline.common.Customer;
import io.orderpipeline.common.CustomerEnrichedOrder;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Parsed;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;

/**
 * orders joined with customers to customer-enriched-orders: every valid order, keyed by customer
 * id, with the customer as of the order's timestamp ("Unknown" fields when there was none).
 * {@code customers} is a versioned table, so a later update or tombstone never changes the
 * customer an earlier order is joined with.
 *
 * <p>Both sides are re-partitioned by customer id with Kafka's default partitioner (murmur2 of the
 * key bytes), through {@value #ORDERS_BY_CUSTOMER} and {@value #CUSTOMERS_BY_ID}: a customer and its
 * orders meet in one task whatever client, partitioner or partition count wrote {@code customers}
 * (librdkafka's default, CRC32 of the key, put 17 of 30 customers in another task than their
 * orders). The two repartition topics are the sources of one sub-topology, so Kafka Streams gives
 * them one partition count (the larger of {@code orders}' and {@code customers}').
 */
public final class CustomerJoinTopology {

    /** The versioned table of customers: key customer id, value {@link Customer}. */
    public static final String STORE = "customers-store";
    /** How far back (behind the newest customers record) the table still answers as-of lookups. */
    public static final Duration HISTORY_RETENTION = Duration.ofDays(1);
    /**
     * Topic settings of {@code <application.id>-customers-store-changelog}: never compacted, because a
     * restore of the versioned store replays it and needs every version. Works around Kafka Streams'
     * own setting for a versioned store's changelog, {@code min.compaction.lag.ms} = history retention
     * + 1 day: the broker compares that lag with its clock minus the records' timestamps (the customers'
     * event times), so records more than 2 days older than the broker's clock (a replay, a backfill, the
     * e2e tests' fixed dates) are compacted once their segment rolls, and under exactly-once the first
     * commit marker (stamped with the broker's clock) rolls it when they are 7 days ({@code segment.ms})
     * older. The rebuilt store then has each customer's latest version only and answers "no customer"
     * for orders timed before it (README, "The changelog keeps every version").
     */
    static final Map<String, String> CHANGELOG_CONFIG = Map.of(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, String.valueOf(Long.MAX_VALUE));
    /** Orders re-keyed by customer id, their bytes as read: the topic {@code <application.id>-orders-by-customer-repartition}. */
    public static final String ORDERS_BY_CUSTOMER = "orders-by-customer";
    /**
     * Valid customer records (tombstones too) re-partitioned by customer id with the default partitioner:
     * the topic {@code <application.id>-customers-by-id-repartition}.
     */
    public static final String CUSTOMERS_BY_ID = "customers-by-id";
    /**
     * Per partition of {@link #STORE}, the newest timestamp of the customer records put into
     * it: the versioned store's observed stream time, which it does not expose. Its history reaches back
     * {@link #HISTORY_RETENTION} from there (for the HTTP API: an instant older than that is answered
     * 400, not 404). One entry, key {@link #STREAM_TIME_KEY}, value epoch milliseconds.
     */
    public static final String STREAM_TIME_STORE = "customers-stream-time-store";
    public static final String STREAM_TIME_KEY = "stream-time";

    private CustomerJoinTopology() {
    }

    /** The customers store: RocksDB, versioned, {@link #HISTORY_RETENTION} of history, Kafka Streams' default segment interval. */
    static VersionedBytesStoreSupplier customersStore() {
        return Stores.persistentVersionedKeyValueStore(STORE, HISTORY_RETENTION);
    }

    static StoreBuilder<KeyValueStore<String, Long>> streamTimeStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STREAM_TIME_STORE), Serdes.String(), Serdes.Long());
    }

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(streamTimeStore());
        KTable<String, Customer> customers = Inputs.customers(builder)
                .repartition(Repartitioned.<String, Customer>as(CUSTOMERS_BY_ID)
                        .withKeySerde(CUSTOMERS.keySerde())
                        .withValueSerde(CUSTOMERS.valueSerde()))
                .processValues(StreamTime::new, Named.as("customers-stream-time"), STREAM_TIME_STORE)
                .toTable(Named.as("customers-table"), Materialized.<String, Customer>as(customersStore())
                        .withKeySerde(CUSTOMERS.keySerde())
                        .withValueSerde(CUSTOMERS.valueSerde())
                        .withLoggingEnabled(CHANGELOG_CONFIG));
        Inputs.orders(builder)
                .selectKey((orderId, order) -> String.valueOf(order.value().customerId()), Named.as("key-by-customer-id"))
                .repartition(Repartitioned.<String, Parsed<Order>>as(ORDERS_BY_CUSTOMER)
                        .withKeySerde(ORDERS_AS_READ.keySerde())
                        .withValueSerde(ORDERS_AS_READ.valueSerde()))
                .leftJoin(customers, (order, customer) -> CustomerEnrichedOrder.of(order.value(), customer),
                        Joined.with(ORDERS_AS_READ.keySerde(), ORDERS_AS_READ.valueSerde(), CUSTOMERS.valueSerde())
                                .withName("join-customer-as-of-order-time"))
                .to(CUSTOMER_ENRICHED_ORDERS.name(), CUSTOMER_ENRICHED_ORDERS.produced().withName("customer-enriched-orders-sink"));
        return builder.build();
    }

    /**
     * Forwards every customer record (a tombstone too) to the table unchanged, keeping in
     * {@link #STREAM_TIME_STORE} the newest timestamp seen, as the versioned store keeps its own.
     * Customer updates are few, so the store is looked up for each one.
     */
    private static final class StreamTime extends ContextualFixedKeyProcessor<String, Customer, Customer> {

        @Override
        public void process(FixedKeyRecord<String, Customer> record) {
            KeyValueStore<String, Long> streamTime = context().getStateStore(STREAM_TIME_STORE);
            Long seen = streamTime.get(STREAM_TIME_KEY);
            if (seen == null || record.timestamp() > seen) {
                streamTime.put(STREAM_TIME_KEY, record.timestamp());
            }
            context().forward(record);
        }
    }
}
