package io.orderpipeline.join;

import static io.orderpipeline.common.Topics.CUSTOMERS;
import static io.orderpipeline.common.Topics.CUSTOMER_ENRICHED_ORDERS;
import static io.orderpipeline.common.Topics.ORDERS;

import io.orderpipeline.common.Customer;
import io.orderpipeline.common.CustomerEnrichedOrder;
import io.orderpipeline.common.Order;
import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

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
    /** Orders re-keyed by customer id: the topic {@code <application.id>-orders-by-customer-repartition}. */
    public static final String ORDERS_BY_CUSTOMER = "orders-by-customer";

    private CustomerJoinTopology() {
    }

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, Customer> customers = builder.table(CUSTOMERS.name(),
                CUSTOMERS.consumed().withName("customers-table"),
                Materialized.<String, Customer>as(Stores.persistentVersionedKeyValueStore(CUSTOMERS_STORE, HISTORY_RETENTION))
                        .withKeySerde(CUSTOMERS.keySerde())
                        .withValueSerde(CUSTOMERS.valueSerde()));
        builder.stream(ORDERS.name(), ORDERS.consumed().withName("orders-source"))
                .selectKey((orderId, order) -> String.valueOf(order.customerId()), Named.as("key-by-customer-id"))
                .repartition(Repartitioned.<String, Order>as(ORDERS_BY_CUSTOMER)
                        .withKeySerde(ORDERS.keySerde())
                        .withValueSerde(ORDERS.valueSerde()))
                .leftJoin(customers, CustomerEnrichedOrder::of,
                        Joined.with(ORDERS.keySerde(), ORDERS.valueSerde(), CUSTOMERS.valueSerde())
                                .withName("join-customer-as-of-order-time"))
                .to(CUSTOMER_ENRICHED_ORDERS.name(), CUSTOMER_ENRICHED_ORDERS.produced().withName("customer-enriched-orders-sink"));
        return builder.build();
    }
}
