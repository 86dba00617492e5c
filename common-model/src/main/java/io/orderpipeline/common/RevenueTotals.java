package io.orderpipeline.common;

import java.math.BigDecimal;

/** Revenue and order count of one product in one window: the value of the revenue window store. */
public record RevenueTotals(BigDecimal revenue, long orders) {

    public static final RevenueTotals ZERO = new RevenueTotals(BigDecimal.ZERO, 0);

    /** The totals with one more order; a new record, this one is unchanged. */
    public RevenueTotals add(Order order) {
        return new RevenueTotals(revenue.add(order.amount()), orders + 1);
    }

    /** These totals and {@code other} together; a new record. */
    public RevenueTotals plus(RevenueTotals other) {
        return new RevenueTotals(revenue.add(other.revenue), orders + other.orders);
    }
}
