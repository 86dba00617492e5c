package io.orderpipeline.enricher;

import static io.orderpipeline.common.Topics.ENRICHED_ORDERS;

import io.orderpipeline.common.EnrichedOrder;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Order;
import java.math.BigDecimal;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;

/**
 * orders to enriched-orders: every valid order, key unchanged, with {@code amount_tier}
 * ("high" when {@code amount > 100}, else "standard") and {@code needs_review} ({@code amount > 500}).
 */
public final class OrderEnricherTopology {

    public static final BigDecimal HIGH_TIER_THRESHOLD = new BigDecimal("100");
    public static final BigDecimal REVIEW_THRESHOLD = new BigDecimal("500");

    private OrderEnricherTopology() {
    }

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        Inputs.orders(builder)
                .mapValues(order -> enrich(order.value()), Named.as("enrich"))
                .to(ENRICHED_ORDERS.name(), ENRICHED_ORDERS.produced().withName("enriched-orders-sink"));
        return builder.build();
    }

    static EnrichedOrder enrich(Order order) {
        String tier = order.amount().compareTo(HIGH_TIER_THRESHOLD) > 0 ? EnrichedOrder.HIGH : EnrichedOrder.STANDARD;
        boolean needsReview = order.amount().compareTo(REVIEW_THRESHOLD) > 0;
        return EnrichedOrder.of(order, tier, needsReview);
    }
}
