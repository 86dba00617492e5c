package io.orderpipeline.common;

import java.math.BigDecimal;
import java.time.Instant;

/** The final revenue of one product in one hourly window, on {@code product-revenue-hourly}. */
public record ProductRevenue(String product, Instant windowStart, Instant windowEnd, BigDecimal revenue, long orders) {
}
