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
 * A valid order from the {@code orders} topic. Construction enforces the contract's rules
 * ({@code order_id} and {@code customer_id} integers, {@code amount} a number &gt;= 0,
 * {@code product} non-blank) and the bounds of {@link Validation}; unknown extra fields are kept in
 * {@link #extra()} (in their order) and written back unchanged.
 */
public record Order(
        long orderId,
        long customerId,
        BigDecimal amount,
        String product,
        String status,
        @JsonAnyGetter @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, Object> extra) {

    private static final Set<String> NAMES = Json.propertyNames(Order.class);

    public Order {
        Validation.amount(amount);
        Validation.requiredText("product", product);
        Validation.noControlCharacters("product", product);
        Validation.text("status", status);
        Validation.unknownFields(extra);
        extra = Json.unknownFields(extra, NAMES);
    }

    public Order(long orderId, long customerId, BigDecimal amount, String product, String status) {
        this(orderId, customerId, amount, product, status, Map.of());
    }

    /**
     * How Jackson reads an order: the named fields, every other field into {@code extra}. A factory
     * with explicit names rather than the canonical constructor, because Jackson (2.21) binds a
     * field named {@code "extra"} to the record component of that name instead of keeping it as an
     * unknown field.
     */
    @JsonCreator
    static Order read(@JsonProperty(value = "order_id", required = true) long orderId,
                      @JsonProperty(value = "customer_id", required = true) long customerId,
                      @JsonProperty("amount") BigDecimal amount,
                      @JsonProperty("product") String product,
                      @JsonProperty("status") String status,
                      @JsonAnySetter Map<String, Object> extra) {
        return new Order(orderId, customerId, amount, product, status, extra);
    }
}
