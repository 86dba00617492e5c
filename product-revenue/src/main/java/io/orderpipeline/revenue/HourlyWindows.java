package io.orderpipeline.revenue;

import static io.orderpipeline.revenue.ProductRevenueTopology.WINDOW_SIZE;

import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.revenue.RevenueEvent.Final;
import io.orderpipeline.revenue.RevenueEvent.Late;
import io.orderpipeline.revenue.RevenueEvent.Partial;
import io.orderpipeline.revenue.RevenueEvent.Watermark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The second half of product-revenue, in the task that holds a partition of products: it adds
 * the partial sums into the hourly windows of {@link ProductRevenueTopology#STORE} and keeps the
 * event time of every partition of {@code orders}. The low watermark is the lowest of them over
 * the partitions that are not idle (the highest when all are idle; nothing before every partition
 * has reported once). A window is final once the low watermark reaches its end + grace: its record
 * is emitted then, once, and a partial sum that arrives for it afterwards (from a partition back
 * from idleness) is not added but sent to {@code product-revenue-late}.
 */
final class HourlyWindows extends ContextualProcessor<String, RevenueEvent, String, RevenueEvent> {

    /** The key under which {@link #watermarks} keeps the event time up to which windows are closed. */
    static final int CLOSED = -1;

    private final long size = WINDOW_SIZE.toMillis();
    private final long grace;
    private final int partitions;
    private Sensor lateOrders;
    private WindowStore<String, RevenueTotals> windows;
    private KeyValueStore<Integer, Watermark> watermarks;
    private long closed;

    /** @param partitions how many partitions {@code orders} has: each must report before a window closes */
    HourlyWindows(Duration grace, int partitions) {
        this.grace = grace.toMillis();
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, RevenueEvent> context) {
        super.init(context);
        this.lateOrders = ProductRevenueTopology.lateOrders(context);
        this.windows = context.getStateStore(ProductRevenueTopology.STORE);
        this.watermarks = context.getStateStore(ProductRevenueTopology.WATERMARK_STORE);
        Watermark stored = watermarks.get(CLOSED);
        closed = stored == null ? Watermark.NONE : stored.time();
    }

    @Override
    public void process(Record<String, RevenueEvent> record) {
        if (record.value() instanceof Partial partial) {
            add(record.key(), partial);
        } else if (record.value() instanceof Watermark watermark) {
            watermarks.put(watermark.partition(), watermark);
            long low = lowWatermark();
            if (low > closed) {
                emitClosedUpTo(low);
            }
        }
    }

    private void add(String product, Partial partial) {
        long start = partial.windowStart();
        long close = start + size + grace;
        if (close <= closed) {
            lateOrders.record(partial.totals().orders());
            ProductRevenue late = revenue(product, start, partial.totals());
            context().forward(new Record<String, RevenueEvent>(product, new Late(ProductRevenueTopology.lateValue(late)), start,
                    ProductRevenueTopology.lateHeaders(new RecordHeaders(), start, closed - close, ProductRevenueTopology.WINDOW_EMITTED)));
            return;
        }
        RevenueTotals totals = windows.fetch(product, start);
        windows.put(product, totals == null ? partial.totals() : totals.plus(partial.totals()), start);
    }

    /** The lowest event time over the partitions that are not idle; the highest if all are; {@code NONE} until all have reported. */
    long lowWatermark() {
        long lowestActive = Long.MAX_VALUE;
        long highest = Watermark.NONE;
        for (int partition = 0; partition < partitions; partition++) {
            Watermark watermark = watermarks.get(partition);
            if (watermark == null) {
                return Watermark.NONE;
            }
            highest = Math.max(highest, watermark.time());
            if (!watermark.idle()) {
                lowestActive = Math.min(lowestActive, watermark.time());
            }
        }
        return lowestActive == Long.MAX_VALUE ? highest : lowestActive;
    }

    /** Emits every window whose end + grace lies in ({@link #closed}, {@code low}], oldest first, then remembers {@code low}. */
    private void emitClosedUpTo(long low) {
        long lastStart = low - size - grace; // the window starting here closes at low
        if (lastStart >= 0) {
            long firstStart = closed == Watermark.NONE ? 0 : closed - size - grace + 1;
            List<KeyValue<Windowed<String>, RevenueTotals>> closing = new ArrayList<>();
            try (KeyValueIterator<Windowed<String>, RevenueTotals> iterator = windows.fetchAll(Instant.ofEpochMilli(Math.max(0, firstStart)),
                    Instant.ofEpochMilli(lastStart))) {
                iterator.forEachRemaining(closing::add);
            }
            closing.sort(Comparator.comparingLong((KeyValue<Windowed<String>, RevenueTotals> w) -> w.key.window().start())
                    .thenComparing(w -> w.key.key()));
            for (KeyValue<Windowed<String>, RevenueTotals> window : closing) {
                long start = window.key.window().start();
                context().forward(new Record<>(window.key.key(), new Final(revenue(window.key.key(), start, window.value)), start + size - 1));
            }
        }
        closed = low;
        watermarks.put(CLOSED, new Watermark(CLOSED, low, false));
    }

    private ProductRevenue revenue(String product, long start, RevenueTotals totals) {
        return new ProductRevenue(product, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + size), totals.revenue(), totals.orders());
    }
}
