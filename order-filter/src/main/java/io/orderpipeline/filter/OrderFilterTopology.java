package io.orderpipeline.filter;

import static io.orderpipeline.common.Topics.HIGH_VALUE_ORDERS;

import io.orderpipeline.common.Inputs;
import java.math.BigDecimal;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;

/** orders to high-value-orders: every valid order with {@code amount > 100}, its bytes unchanged. */
public final class OrderFilterTopology {

    public static final BigDecimal THRESHOLD = new BigDecimal("100");

    private OrderFilterTopology() {
    }

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        Inputs.orders(builder)
                .filter((orderId, order) -> order.value().amount().compareTo(THRESHOLD) > 0, Named.as("amount-over-100"))
                .to(HIGH_VALUE_ORDERS.name(), HIGH_VALUE_ORDERS.produced().withName("high-value-orders-sink"));
        return builder.build();
    }
}
