package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * An order on {@code enriched-orders}: the order's fields plus its amount tier and review flag. An
 * unknown field of the order named like one of these fields ({@code amount_tier}, {@code needs_review})
 * is dropped: the service's own field wins, and each name is written once.
 */
public record EnrichedOrder(
        long orderId,
        long customerId,
        BigDecimal amount,
        String product,
        String status,
        String amountTier,
        boolean needsReview,
        @JsonAnyGetter @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, Object> extra) {

    public static final String HIGH = "high";
    public static final String STANDARD = "standard";
    private static final Set<String> NAMES = Json.propertyNames(EnrichedOrder.class);

    public EnrichedOrder {
        extra = Json.unknownFields(extra, NAMES);
    }

    public static EnrichedOrder of(Order order, String amountTier, boolean needsReview) {
        return new EnrichedOrder(order.orderId(), order.customerId(), order.amount(), order.product(),
                order.status(), amountTier, needsReview, order.extra());
    }

    /** How Jackson reads one back (tests, consumers): as {@link Order#read}, for the same reason. */
    @JsonCreator
    static EnrichedOrder read(@JsonProperty("order_id") long orderId,
                              @JsonProperty("customer_id") long customerId,
                              @JsonProperty("amount") BigDecimal amount,
                              @JsonProperty("product") String product,
                              @JsonProperty("status") String status,
                              @JsonProperty("amount_tier") String amountTier,
                              @JsonProperty("needs_review") boolean needsReview,
                              @JsonAnySetter Map<String, Object> extra) {
        return new EnrichedOrder(orderId, customerId, amount, product, status, amountTier, needsReview, extra);
    }
}
