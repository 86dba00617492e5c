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
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;

/**
 * orders joined with customers to customer-enriched-orders: every valid order, keyed by customer
 * id, with the customer as of the order's timestamp ("Unknown" fields when there was none).
 * {@code customers} is a versioned table, so a later update or tombstone never changes the
 * customer an earlier order is joined with.
 */
public final class CustomerJoinTopology {

    /** The versioned table of customers: key customer id, value {@link Customer}. */
    public static final String CUSTOMERS_STORE = "customers-store";
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

    private CustomerJoinTopology() {
    }

    /** The customers store: RocksDB, versioned, {@link #HISTORY_RETENTION} of history, Kafka Streams' default segment interval. */
    static VersionedBytesStoreSupplier customersStore() {
        return Stores.persistentVersionedKeyValueStore(CUSTOMERS_STORE, HISTORY_RETENTION);
    }

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, Customer> customers = builder.table(CUSTOMERS.name(),
                CUSTOMERS.consumed().withName("customers-table"),
                Materialized.<String, Customer>as(customersStore())
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
}
