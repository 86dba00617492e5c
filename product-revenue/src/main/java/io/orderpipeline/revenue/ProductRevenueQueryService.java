package io.orderpipeline.revenue;

import static io.orderpipeline.revenue.ProductRevenueTopology.STORE;
import static io.orderpipeline.revenue.ProductRevenueTopology.WINDOW_SIZE;

import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.http.KeyRouter;
import io.orderpipeline.http.QueryRouting;
import io.orderpipeline.http.Reply;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Queries of {@code product-revenue-store} (IQv2): one product's window or windows from the
 * instance that holds the product ({@link KeyRouter}), and one window of every product gathered
 * from every instance. Parameters arrive checked ({@link ProductRevenueRoutes}).
 */
final class ProductRevenueQueryService implements ProductRevenueRoutes.Queries {

    /** The answer of {@code GET /stats/{product}}. */
    record ProductStats(String product, BigDecimal hourlyRevenue, Instant windowStart, Instant windowEnd) {
    }

    /** The answer of {@code GET /revenue/{product}}. */
    record ProductWindows(String product, List<WindowRevenue> windows) {
    }

    record WindowRevenue(Instant windowStart, Instant windowEnd, BigDecimal revenue, long orders) {
    }

    /** The answer of {@code GET /revenue}: every product of one window, highest revenue first. */
    record WindowProducts(Instant windowStart, Instant windowEnd, List<ProductTotal> products) {
    }

    record ProductTotal(String product, BigDecimal revenue, long orders) {
    }

    /** The answer of {@code GET /internal/revenue}: one window from this instance's active partitions only. */
    record LocalWindowProducts(Instant windowStart, Instant windowEnd, Set<Integer> partitions, List<ProductTotal> products)
            implements QueryRouting.Part {
    }

    private static final Serializer<String> KEY = Serdes.String().serializer();

    private final QueryRouting routing;

    ProductRevenueQueryService(QueryRouting routing) {
        this.routing = routing;
    }

    /** The start of the hourly window holding {@code at} (windows are aligned to the epoch, so to the UTC hour). */
    static Instant windowStart(Instant at) {
        // WINDOW_SIZE is one hour; truncating the Instant cannot overflow as epoch-millisecond arithmetic does at its ends
        return at.truncatedTo(ChronoUnit.HOURS);
    }

    @Override
    public Reply stats(String product, Instant at, boolean forwarded) {
        Instant start = windowStart(at);
        String path = "/stats/" + encode(product) + "?at=" + at.toEpochMilli();
        return routing.route(STORE, product, KEY, path, forwarded, (partition, active) -> {
            RevenueTotals totals = RevenueTotals.ZERO;
            for (WindowRevenue window : windows(product, start, start, partition, active)) {
                totals = new RevenueTotals(window.revenue(), window.orders());
            }
            return Reply.ok(new ProductStats(product, totals.revenue(), start, start.plus(WINDOW_SIZE)));
        });
    }

    @Override
    public Reply revenue(String product, Instant from, Instant to, boolean forwarded) {
        String path = "/revenue/" + encode(product) + "?from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli();
        return routing.route(STORE, product, KEY, path, forwarded, (partition, active) ->
                Reply.ok(new ProductWindows(product, windows(product, from, to, partition, active))));
    }

    private List<WindowRevenue> windows(String product, Instant from, Instant to, int partition, boolean active) {
        WindowKeyQuery<String, RevenueTotals> query = WindowKeyQuery.withKeyAndWindowStartRange(product, from, to);
        List<WindowRevenue> windows = new ArrayList<>();
        try (WindowStoreIterator<RevenueTotals> iterator = routing.store(STORE).query(query, partition, active)) {
            iterator.forEachRemaining(entry -> {
                Instant start = Instant.ofEpochMilli(entry.key);
                RevenueTotals totals = entry.value;
                windows.add(new WindowRevenue(start, start.plus(WINDOW_SIZE), totals.revenue(), totals.orders()));
            });
        }
        return windows;
    }

    /** Every product of the window holding {@code at}, from all instances; 503 unless every partition answered. */
    @Override
    public Reply allProducts(Instant at) {
        Instant start = windowStart(at);
        List<ProductTotal> products = new ArrayList<>();
        routing.fromEveryInstance(STORE, () -> local(at), "/internal/revenue?at=" + at.toEpochMilli(), LocalWindowProducts.class)
                .forEach(part -> products.addAll(part.products()));
        products.sort(Comparator.comparing(ProductTotal::revenue).reversed().thenComparing(ProductTotal::product));
        return Reply.ok(new WindowProducts(start, start.plus(WINDOW_SIZE), products));
    }

    /**
     * The window holding {@code at}, from the partitions this instance holds as active (the
     * contract's store partitions are the same as the {@code orders} partitions: its
     * repartition topic is created with as many).
     */
    @Override
    public Reply localProducts(Instant at) {
        return Reply.ok(local(at));
    }

    private LocalWindowProducts local(Instant at) {
        Instant start = windowStart(at);
        WindowRangeQuery<String, RevenueTotals> query = WindowRangeQuery.withWindowStartRange(start, start);
        List<ProductTotal> products = new ArrayList<>();
        Map<Integer, KeyValueIterator<Windowed<String>, RevenueTotals>> byPartition = routing.store(STORE).allActive(query);
        for (KeyValueIterator<Windowed<String>, RevenueTotals> iterator : byPartition.values()) {
            try (iterator) {
                while (iterator.hasNext()) {
                    KeyValue<Windowed<String>, RevenueTotals> entry = iterator.next();
                    RevenueTotals totals = entry.value;
                    products.add(new ProductTotal(entry.key.key(), totals.revenue(), totals.orders()));
                }
            }
        }
        return new LocalWindowProducts(start, start.plus(WINDOW_SIZE), byPartition.keySet(), products);
    }

    /** For {@code /health/ready}: every active partition of the store answers a query. */
    void checkReady() {
        Instant now = Instant.now();
        routing.store(STORE).allActive(WindowRangeQuery.withWindowStartRange(now, now)).values().forEach(KeyValueIterator::close);
    }

    /** One URL path segment: {@code a/b c} becomes {@code a%2Fb%20c}. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
