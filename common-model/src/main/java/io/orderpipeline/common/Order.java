package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.Map;

/**
 * A valid order from the {@code orders} topic. Construction enforces the contract's rules
 * ({@code order_id} and {@code customer_id} integers, {@code amount} a number &gt;= 0,
 * {@code product} non-blank); unknown extra fields are kept in {@link #extra()} and written back
 * unchanged.
 */
public record Order(
        @JsonProperty(required = true) long orderId,
        @JsonProperty(required = true) long customerId,
        BigDecimal amount,
        String product,
        String status,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public Order {
        if (amount == null) {
            throw new IllegalArgumentException("amount is missing");
        }
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("amount is negative: " + amount.toPlainString());
        }
        if (product == null || product.isBlank()) {
            throw new IllegalArgumentException("product is missing or blank");
        }
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public Order(long orderId, long customerId, BigDecimal amount, String product, String status) {
        this(orderId, customerId, amount, product, status, Map.of());
    }
}
