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
 * An order on {@code customer-enriched-orders}: the order's fields plus the customer as of the
 * order's time. An unknown field of the order named like one of these fields ({@code customer_name},
 * {@code customer_segment}, {@code country}) is dropped: the service's own field wins, and each name
 * is written once.
 */
public record CustomerEnrichedOrder(
        long orderId,
        long customerId,
        BigDecimal amount,
        String product,
        String status,
        String customerName,
        String customerSegment,
        String country,
        @JsonAnyGetter @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, Object> extra) {

    public static final String UNKNOWN = "Unknown";
    private static final Set<String> NAMES = Json.propertyNames(CustomerEnrichedOrder.class);

    public CustomerEnrichedOrder {
        extra = Json.unknownFields(extra, NAMES);
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

    /** How Jackson reads one back (tests, consumers): as {@link Order#read}, for the same reason. */
    @JsonCreator
    static CustomerEnrichedOrder read(@JsonProperty("order_id") long orderId,
                                      @JsonProperty("customer_id") long customerId,
                                      @JsonProperty("amount") BigDecimal amount,
                                      @JsonProperty("product") String product,
                                      @JsonProperty("status") String status,
                                      @JsonProperty("customer_name") String customerName,
                                      @JsonProperty("customer_segment") String customerSegment,
                                      @JsonProperty("country") String country,
                                      @JsonAnySetter Map<String, Object> extra) {
        return new CustomerEnrichedOrder(orderId, customerId, amount, product, status,
                customerName, customerSegment, country, extra);
    }
}
