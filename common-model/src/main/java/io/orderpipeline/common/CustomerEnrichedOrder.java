package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.math.BigDecimal;
import java.util.Map;

/** An order on {@code customer-enriched-orders}: the order's fields plus the customer as of the order's time. */
public record CustomerEnrichedOrder(
        long orderId,
        long customerId,
        BigDecimal amount,
        String product,
        String status,
        String customerName,
        String customerSegment,
        String country,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public static final String UNKNOWN = "Unknown";

    public CustomerEnrichedOrder {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** The order joined with {@code customer}, or with "Unknown" fields when there was none. */
    public static CustomerEnrichedOrder of(Order order, Customer customer) {
        return new CustomerEnrichedOrder(order.orderId(), order.customerId(), order.amount(), order.product(),
                order.status(),
                customer == null ? UNKNOWN : customer.name(),
                customer == null || customer.segment() == null ? UNKNOWN : customer.segment(),
                customer == null || customer.country() == null ? UNKNOWN : customer.country(),
                order.extra());
    }
}
