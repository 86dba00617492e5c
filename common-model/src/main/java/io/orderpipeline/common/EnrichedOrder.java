package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.math.BigDecimal;
import java.util.Map;

/** An order on {@code enriched-orders}: the order's fields plus its amount tier and review flag. */
public record EnrichedOrder(
        long orderId,
        long customerId,
        BigDecimal amount,
        String product,
        String status,
        String amountTier,
        boolean needsReview,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public static final String HIGH = "high";
    public static final String STANDARD = "standard";

    public EnrichedOrder {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public static EnrichedOrder of(Order order, String amountTier, boolean needsReview) {
        return new EnrichedOrder(order.orderId(), order.customerId(), order.amount(), order.product(),
                order.status(), amountTier, needsReview, order.extra());
    }
}
