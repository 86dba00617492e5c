package io.orderpipeline.common;

import java.math.BigDecimal;

/** A customer's running order count and exact total, on {@code customer-stats}. */
public record CustomerStats(long customerId, long count, BigDecimal total) {

    public static CustomerStats empty(long customerId) {
        return new CustomerStats(customerId, 0, BigDecimal.ZERO);
    }

    /** The totals after one more order of {@code amount}; a new record, this one is unchanged. */
    public CustomerStats add(BigDecimal amount) {
        return new CustomerStats(customerId, count + 1, total.add(amount));
    }
}
