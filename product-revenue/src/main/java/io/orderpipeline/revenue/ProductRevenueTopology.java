package io.orderpipeline.revenue;

import static io.orderpipeline.common.Topics.ORDERS_AS_READ;
import static io.orderpipeline.common.Topics.PRODUCT_REVENUE_HOURLY;

import io.orderpipeline.common.JsonSerde;
import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

/**
 * orders to product-revenue-hourly: valid orders re-keyed by product (their bytes as read), summed per product in
 * one-hour tumbling windows aligned to the hour (UTC) on the record timestamp, and emitted once
 * per product and window when the window closes (window end + grace). The windows stay
 * queryable in {@link #STORE} for {@link #RETENTION}.
 */
public final class ProductRevenueTopology {

    public static final Duration WINDOW_SIZE = Duration.ofHours(1);
    public static final Duration RETENTION = Duration.ofDays(1);
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);
    /** Window store: key product, value {@link RevenueTotals}, one entry per product and window. */
    public static final String STORE = "product-revenue-store";
    /** Name of the repartition topic ({@code <application.id>-orders-by-product-repartition}). */
    public static final String REPARTITION = "orders-by-product";

    private ProductRevenueTopology() {
    }

    /**
     * @param grace how long after a window's end its late records are still counted; the window's
     *     final record is emitted after that. Must be at least 0 and at most {@code RETENTION - WINDOW_SIZE}.
     */
    public static Topology build(Duration grace) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(ORDERS_AS_READ.name(), ORDERS_AS_READ.consumed().withName("orders-source"))
                .groupBy((orderId, order) -> order.value().product(),
                        Grouped.with(REPARTITION, PRODUCT_REVENUE_HOURLY.keySerde(), ORDERS_AS_READ.valueSerde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_SIZE, grace))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(() -> RevenueTotals.ZERO,
                        (product, order, totals) -> totals.add(order.value()),
                        Named.as("revenue-per-product-hour"),
                        Materialized.<String, RevenueTotals, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(PRODUCT_REVENUE_HOURLY.keySerde())
                                .withValueSerde(JsonSerde.of(RevenueTotals.class))
                                .withRetention(RETENTION)
                                // the record cache turns a store write and a changelog record per
                                // order into one per product and window per commit; onWindowClose
                                // still emits once per window (the cache never forwards)
                                .withCachingEnabled())
                .toStream(Named.as("closed-windows"))
                .map((window, totals) -> KeyValue.pair(window.key(), revenue(window, totals)), Named.as("to-product-revenue"))
                .to(PRODUCT_REVENUE_HOURLY.name(), PRODUCT_REVENUE_HOURLY.produced().withName("product-revenue-hourly-sink"));
        return builder.build();
    }

    static ProductRevenue revenue(Windowed<String> window, RevenueTotals totals) {
        return new ProductRevenue(window.key(), Instant.ofEpochMilli(window.window().start()),
                Instant.ofEpochMilli(window.window().end()), totals.revenue(), totals.orders());
    }
}
