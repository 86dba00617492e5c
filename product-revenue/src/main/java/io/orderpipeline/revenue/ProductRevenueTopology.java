package io.orderpipeline.revenue;

import static io.orderpipeline.common.Topics.PRODUCT_REVENUE_HOURLY;
import static io.orderpipeline.common.Topics.PRODUCT_REVENUE_LATE;

import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.JsonSerde;
import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.revenue.RevenueEvent.Final;
import io.orderpipeline.revenue.RevenueEvent.Late;
import io.orderpipeline.revenue.RevenueEvent.Watermark;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * orders to product-revenue-hourly, in event time per partition of {@code orders}, as Flink's
 * watermarks are. The tasks that read {@code orders} ({@link PartialSums}) sum each product's
 * orders per one-hour window (tumbling, aligned to the hour, UTC, on the record timestamp) and
 * send partial sums and their partition's event time through the repartition topic; the tasks
 * behind it ({@link HourlyWindows}) add the sums into {@link #STORE} and emit a window's final
 * record once every partition of {@code orders} has passed its end + grace (the low watermark),
 * whatever order and speed the partitions are read in. An order late in its own partition, and a
 * sum that arrives for a window already emitted, go to {@code product-revenue-late} instead. The
 * windows stay queryable in {@link #STORE} for {@link #RETENTION}.
 */
public final class ProductRevenueTopology {

    public static final Duration WINDOW_SIZE = Duration.ofHours(1);
    public static final Duration RETENTION = Duration.ofDays(1);
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(30);
    /** Window store: key product, value {@link RevenueTotals}, one entry per product and window. */
    public static final String STORE = "product-revenue-store";
    /** The event time of every partition of {@code orders}, as the tasks of {@link #STORE} last heard it. */
    public static final String WATERMARK_STORE = "watermark-store";
    /**
     * The sums of one {@code orders} partition not yet sent downstream, per product and window, each
     * stamped with the partition's event time when it was last added to.
     */
    public static final String PARTIALS_STORE = "partial-sums-store";
    /** The event time of one {@code orders} partition as of its last flush (the sums in {@link #PARTIALS_STORE} carry it since). */
    public static final String PARTITION_TIME_STORE = "partition-time-store";
    /** Name of the repartition topic ({@code <application.id>-partial-sums-repartition}). */
    public static final String REPARTITION = "partial-sums";

    /** {@code late.reason} of an order whose window's end + grace lies behind its partition's event time. */
    public static final String LATE_IN_PARTITION = "late in its partition of orders";
    /** {@code late.reason} of a partial sum for a window already emitted (from a partition back from idleness). */
    public static final String WINDOW_EMITTED = "window already emitted";
    public static final String LATE_REASON = "late.reason";
    public static final String LATE_WINDOW_START = "late.window.start";
    public static final String LATE_WINDOW_END = "late.window.end";
    public static final String LATE_BY_MS = "late.by.ms";

    /**
     * The metric of orders sent to {@code product-revenue-late} (one for a late order, the order
     * count for a late sum): {@code late-orders-total} and {@code late-orders-rate}, group
     * {@code stream-product-revenue-metrics}, tag {@code product-revenue-id=late}, on {@code /metrics}.
     */
    static Sensor lateOrders(ProcessorContext<?, ?> context) {
        return context.metrics().addRateTotalSensor("product-revenue", "late", "late-orders", Sensor.RecordingLevel.INFO);
    }

    private static final Serde<ProductRevenue> LATE_SUM = JsonSerde.of(ProductRevenue.class);

    private ProductRevenueTopology() {
    }

    /** With the default idleness, for a one-partition {@code orders} (the test driver's). */
    public static Topology build(Duration grace) {
        return build(grace, DEFAULT_IDLENESS, 1);
    }

    /**
     * @param grace      how long after a window's end its late records are still counted; the window's
     *                   final record is emitted after that. At least 0 and at most {@code RETENTION - WINDOW_SIZE}.
     * @param idleness   wall-clock time without orders after which a partition of {@code orders} leaves the low watermark
     * @param partitions how many partitions {@code orders} has
     */
    public static Topology build(Duration grace, Duration idleness, int partitions) {
        Duration maxGrace = RETENTION.minus(WINDOW_SIZE);
        if (grace.isNegative() || grace.compareTo(maxGrace) > 0) {
            throw new IllegalArgumentException("grace must be between 0 and " + maxGrace + " (retention minus window size), got " + grace);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(partialsStore());
        builder.addStateStore(partitionTimeStore());
        builder.addStateStore(windowsStore());
        builder.addStateStore(watermarkStore());

        Map<String, KStream<String, RevenueEvent>> read = Inputs.orders(builder)
                .process(() -> new PartialSums(grace, idleness), Named.as("partial-sums"), PARTIALS_STORE, PARTITION_TIME_STORE)
                .split(Named.as("orders-"))
                .branch((product, event) -> event instanceof Late, Branched.as("late"))
                .defaultBranch(Branched.as("summed"));
        toLate(read.get("orders-late"), "late-orders");

        Map<String, KStream<String, RevenueEvent>> windows = read.get("orders-summed")
                .repartition(Repartitioned.<String, RevenueEvent>as(REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(RevenueEvent.SHUFFLED)
                        .withStreamPartitioner(ProductRevenueTopology::partitions))
                .process(() -> new HourlyWindows(grace, partitions), Named.as("hourly-windows"), STORE, WATERMARK_STORE)
                .split(Named.as("windows-"))
                .branch((product, event) -> event instanceof Late, Branched.as("late"))
                .defaultBranch(Branched.as("final"));
        toLate(windows.get("windows-late"), "late-sums");
        windows.get("windows-final")
                .mapValues(event -> ((Final) event).revenue(), Named.as("to-product-revenue"))
                .to(PRODUCT_REVENUE_HOURLY.name(), PRODUCT_REVENUE_HOURLY.produced().withName("product-revenue-hourly-sink"));
        return builder.build();
    }

    static StoreBuilder<TimestampedWindowStore<String, RevenueTotals>> partialsStore() {
        // timestamped: the changelog keeps the values as a plain window store writes them, the event time in the record's timestamp
        return Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore(PARTIALS_STORE, RETENTION, WINDOW_SIZE, false),
                        Serdes.String(), RevenueEvent.TOTALS)
                .withCachingEnabled();
    }

    static StoreBuilder<KeyValueStore<Integer, Watermark>> partitionTimeStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PARTITION_TIME_STORE), Serdes.Integer(), RevenueEvent.WATERMARKS)
                .withCachingEnabled();
    }

    static StoreBuilder<WindowStore<String, RevenueTotals>> windowsStore() {
        // the store's retention counts from window starts: a window is kept until the window that
        // opens a day after its end
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, RETENTION.plus(WINDOW_SIZE), WINDOW_SIZE, false),
                        Serdes.String(), JsonSerde.of(RevenueTotals.class))
                // a store write and a changelog record per product and window per commit, not per partial sum
                .withCachingEnabled();
    }

    static StoreBuilder<KeyValueStore<Integer, Watermark>> watermarkStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WATERMARK_STORE), Serdes.Integer(), RevenueEvent.WATERMARKS);
    }

    private static void toLate(KStream<String, RevenueEvent> late, String name) {
        late.mapValues(event -> ((Late) event).value(), Named.as(name))
                .to(PRODUCT_REVENUE_LATE.name(), PRODUCT_REVENUE_LATE.produced().withName(name + "-sink"));
    }

    /** An event time goes to every partition; a partial sum to its product's (Kafka's default partitioning by key). */
    static Optional<Set<Integer>> partitions(String topic, String product, RevenueEvent event, int partitions) {
        return event instanceof Watermark
                ? Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()))
                : Optional.empty();
    }

    /** The headers of a record on {@code product-revenue-late}: those it came with, then which window and why. */
    static Headers lateHeaders(Headers original, long windowStart, long lateByMs, String reason) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.add(LATE_REASON, utf8(reason));
        headers.add(LATE_WINDOW_START, utf8(Instant.ofEpochMilli(windowStart).toString()));
        headers.add(LATE_WINDOW_END, utf8(Instant.ofEpochMilli(windowStart).plus(WINDOW_SIZE).toString()));
        headers.add(LATE_BY_MS, utf8(Long.toString(lateByMs)));
        return headers;
    }

    /** A late partial sum on {@code product-revenue-late}: its product, window, revenue and order count as JSON. */
    static byte[] lateValue(ProductRevenue sum) {
        return LATE_SUM.serializer().serialize(PRODUCT_REVENUE_LATE.name(), sum);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
