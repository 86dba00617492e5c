package io.orderpipeline.join;

import static io.orderpipeline.common.Topics.CUSTOMERS;
import static io.orderpipeline.common.Topics.CUSTOMER_ENRICHED_ORDERS;
import static io.orderpipeline.common.Topics.ORDERS_AS_READ;

import io.orderpipeline.common.Customer;
import io.orderpipeline.common.CustomerEnrichedOrder;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Parsed;
import java.time.Duration;
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
                        .withValueSerde(CUSTOMERS.valueSerde()));
        builder.stream(ORDERS_AS_READ.name(), ORDERS_AS_READ.consumed().withName("orders-source"))
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
