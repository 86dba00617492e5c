package io.orderpipeline.stats;

import static io.orderpipeline.common.Topics.CUSTOMER_ALERTS;
import static io.orderpipeline.common.Topics.CUSTOMER_STATS;
import static io.orderpipeline.common.Topics.ORDERS_AS_READ;

import io.orderpipeline.common.CustomerAlert;
import io.orderpipeline.common.CustomerStats;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.JsonSerde;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Parsed;
import java.math.BigDecimal;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * orders to customer-stats and customer-alerts: valid orders re-keyed by customer id (repartition
 * topic {@value #REPARTITION}, each order's bytes as read), a running {@link CustomerStats} per
 * customer in the persistent key-value store {@value #STORE} (customer id string to CustomerStats,
 * cached: one changelog record per customer and commit), emitted after every order,
 * and one {@link CustomerAlert} when an order takes a customer's total from {@code <= threshold}
 * to {@code > threshold}.
 *
 * <p>A processor owns the store, rather than {@code aggregate}, because the alert needs the totals
 * before and after each order, and it forwards on every order (no record cache in the way).
 */
public final class CustomerStatsTopology {

    /** The store of running totals: key the customer id as a decimal string, value {@link CustomerStats}. */
    public static final String STORE = "customer-stats-store";
    /** The repartition topic's name; Kafka Streams prefixes it with the application id. */
    public static final String REPARTITION = "orders-by-customer";

    private CustomerStatsTopology() {
    }

    public static Topology build(BigDecimal alertThreshold) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), JsonSerde.of(CustomerStats.class))
                .withCachingEnabled());

        KStream<String, Update> updates = Inputs.orders(builder)
                .selectKey((orderId, order) -> String.valueOf(order.value().customerId()), Named.as("key-by-customer"))
                .repartition(Repartitioned.<String, Parsed<Order>>as(REPARTITION)
                        .withKeySerde(ORDERS_AS_READ.keySerde())
                        .withValueSerde(ORDERS_AS_READ.valueSerde()))
                .processValues(UpdateStats::new, Named.as("update-customer-stats"), STORE);

        updates.mapValues(Update::after, Named.as("stats-after-order"))
                .to(CUSTOMER_STATS.name(), CUSTOMER_STATS.produced().withName("customer-stats-sink"));
        updates.filter((customerId, update) -> update.crosses(alertThreshold), Named.as("total-crosses-threshold"))
                .mapValues(update -> CustomerAlert.of(update.after(), alertThreshold), Named.as("to-alert"))
                .to(CUSTOMER_ALERTS.name(), CUSTOMER_ALERTS.produced().withName("customer-alerts-sink"));
        return builder.build();
    }

    /** A customer's totals before and after one order; passed between processors, never serialized. */
    record Update(CustomerStats before, CustomerStats after) {

        boolean crosses(BigDecimal threshold) {
            return before.total().compareTo(threshold) <= 0 && after.total().compareTo(threshold) > 0;
        }
    }

    /** Adds each order to its customer's totals in the store and forwards the totals before and after. */
    private static final class UpdateStats implements FixedKeyProcessor<String, Parsed<Order>, Update> {

        private FixedKeyProcessorContext<String, Update> context;
        private KeyValueStore<String, CustomerStats> store;

        @Override
        public void init(FixedKeyProcessorContext<String, Update> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, Parsed<Order>> record) {
            Order order = record.value().value();
            CustomerStats before = store.get(record.key());
            if (before == null) {
                before = CustomerStats.empty(order.customerId());
            }
            CustomerStats after = before.add(order);
            store.put(record.key(), after);
            context.forward(record.withValue(new Update(before, after)));
        }
    }
}
