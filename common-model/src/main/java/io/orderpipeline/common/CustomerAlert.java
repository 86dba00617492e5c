package io.orderpipeline.common;

import java.math.BigDecimal;

/** Raised on {@code customer-alerts} when an order takes a customer's total over the threshold. */
public record CustomerAlert(long customerId, long count, BigDecimal total, BigDecimal threshold) {

    public static CustomerAlert of(CustomerStats stats, BigDecimal threshold) {
        return new CustomerAlert(stats.customerId(), stats.count(), stats.total(), threshold);
    }
}
