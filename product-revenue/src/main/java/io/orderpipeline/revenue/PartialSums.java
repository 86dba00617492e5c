package io.orderpipeline.revenue;

import static io.orderpipeline.revenue.ProductRevenueTopology.WINDOW_SIZE;

import io.orderpipeline.common.Order;
import io.orderpipeline.common.Parsed;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.revenue.RevenueEvent.Late;
import io.orderpipeline.revenue.RevenueEvent.Partial;
import io.orderpipeline.revenue.RevenueEvent.Watermark;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The first half of product-revenue, in the task that reads one partition of {@code orders}: it
 * keeps that partition's event time (the highest order timestamp read from it), sends an order
 * that is late in its own partition (its window's end + grace at or behind that time) to
 * {@code product-revenue-late}, and sums the others per product and window. It flushes the sums
 * and then its event time downstream every {@link #FLUSH_INTERVAL} of wall-clock time and as soon as
 * an order moves its event time past a window's close, so that all of a window's sums from this
 * partition are sent before the event time that closes it. Sums and event time live in
 * changelogged stores until flushed: under exactly-once a crash between two commits loses
 * nothing and counts nothing twice. The event time is written at each flush; between flushes each
 * sum carries the event time it was added at (the store is timestamped), so a restarted task
 * resumes the highest of them, the exact event time of what it read, without a store write per
 * order for the event time alone (5 % of the stream thread).
 *
 * <p>A partition without orders for the idleness setting (wall-clock time while its task runs)
 * says so, and the low watermark leaves it out until its next order; a task that is not running
 * (crashed, restoring, not yet assigned) says nothing, so its last event time holds the windows.
 */
final class PartialSums extends ContextualProcessor<String, Parsed<Order>, String, RevenueEvent> {

    private record ProductWindow(String product, long start) {
    }

    /** How often the sums of the orders read since the last flush go downstream (also how often idleness is checked). */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private final long size = WINDOW_SIZE.toMillis();
    private final long grace;
    private final long idleness;
    private Sensor lateOrders;
    private TimestampedWindowStore<String, RevenueTotals> sums;
    /** What {@link #sums} holds, for reading without a store lookup and a deserialization per order. */
    private final Map<ProductWindow, RevenueTotals> unsent = new HashMap<>();
    private KeyValueStore<Integer, Watermark> eventTime;
    private Watermark watermark;
    /** Whether {@link #watermark} changed since it was last sent (or was never sent by this task). */
    private boolean watermarkUnsent;
    private long lastOrderAt;

    PartialSums(Duration grace, Duration idleness) {
        this.grace = grace.toMillis();
        this.idleness = idleness.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, RevenueEvent> context) {
        super.init(context);
        this.lateOrders = ProductRevenueTopology.lateOrders(context);
        this.sums = context.getStateStore(ProductRevenueTopology.PARTIALS_STORE);
        this.eventTime = context.getStateStore(ProductRevenueTopology.PARTITION_TIME_STORE);
        int partition = context.taskId().partition();
        Watermark stored = eventTime.get(partition);
        long time = stored == null ? Watermark.NONE : stored.time();
        unsent.clear();
        try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<RevenueTotals>> restored = sums.all()) {
            while (restored.hasNext()) {
                KeyValue<Windowed<String>, ValueAndTimestamp<RevenueTotals>> sum = restored.next();
                unsent.put(new ProductWindow(sum.key.key(), sum.key.window().start()), sum.value.value());
                time = Math.max(time, sum.value.timestamp());
            }
        }
        // a task that starts (or resumes after a crash) is not idle until it has been quiet for the idleness setting
        watermark = new Watermark(partition, time, false);
        watermarkUnsent = true;
        lastOrderAt = context.currentSystemTimeMs();
        context.schedule(FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, Parsed<Order>> record) {
        lastOrderAt = context().currentSystemTimeMs();
        long time = record.timestamp();
        long before = watermark.time();
        if (time > before || watermark.idle()) {
            advance(new Watermark(watermark.partition(), Math.max(time, before), false));
        }
        Order order = record.value().value();
        long start = Math.floorDiv(time, size) * size;
        long close = start + size + grace;
        if (close <= watermark.time()) {
            lateOrders.record(1);
            context().forward(new Record<String, RevenueEvent>(order.product(), new Late(record.value().bytes()), time,
                    ProductRevenueTopology.lateHeaders(record.headers(), start, watermark.time() - close, ProductRevenueTopology.LATE_IN_PARTITION)));
            return;
        }
        ProductWindow key = new ProductWindow(order.product(), start);
        RevenueTotals sum = unsent.getOrDefault(key, RevenueTotals.ZERO).add(order);
        unsent.put(key, sum);
        sums.put(order.product(), ValueAndTimestamp.make(sum, watermark.time()), start);
        if (before != Watermark.NONE && closes(before) < closes(watermark.time())) {
            flush(); // this order closed a window in this partition: no need to wait for the wall clock
        }
    }

    /** How many windows this event time has closed (a number that grows by one at each window close). */
    private long closes(long time) {
        return Math.floorDiv(time - grace, size);
    }

    private void onWallClock(long now) {
        if (!watermark.idle() && now - lastOrderAt >= idleness) {
            advance(new Watermark(watermark.partition(), watermark.time(), true));
        }
        flush();
    }

    private void advance(Watermark next) {
        watermark = next;
        watermarkUnsent = true;
    }

    /** The sums read since the last flush, then the event time they were read up to. */
    private void flush() {
        for (Map.Entry<ProductWindow, RevenueTotals> sum : unsent.entrySet()) {
            ProductWindow key = sum.getKey();
            context().forward(new Record<>(key.product(), new Partial(key.start(), sum.getValue()), key.start()));
            sums.put(key.product(), null, key.start());
        }
        unsent.clear();
        if (watermarkUnsent) {
            eventTime.put(watermark.partition(), watermark);
            // a key, as every record through a repartition topic needs: "" is no product (a product is never blank)
            context().forward(new Record<String, RevenueEvent>("", watermark, Math.max(0, watermark.time())));
            watermarkUnsent = false;
        }
    }
}
