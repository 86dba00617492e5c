package io.orderpipeline.revenue;

import static io.orderpipeline.common.TestDriverSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.revenue.RevenueEvent.Final;
import io.orderpipeline.revenue.RevenueEvent.Late;
import io.orderpipeline.revenue.RevenueEvent.Partial;
import io.orderpipeline.revenue.RevenueEvent.Watermark;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The low watermark over three partitions of {@code orders}, on the processor behind the
 * repartition topic: the event times arrive as {@link Watermark} records from each partition, in
 * any order, as they would from three tasks.
 */
class HourlyWindowsTest {

    private static final int PARTITIONS = 3;
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Instant DAY = TestDriverSupport.BASE.truncatedTo(ChronoUnit.DAYS);

    @TempDir
    Path dir;
    private MockProcessorContext<String, RevenueEvent> context;
    private WindowStore<String, RevenueTotals> windows;
    private KeyValueStore<Integer, Watermark> watermarks;
    private HourlyWindows processor;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hourly-windows-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        context = new MockProcessorContext<>(props, new TaskId(1, 0), new File(dir.toString()));
        windows = ProductRevenueTopology.windowsStore().withLoggingDisabled().withCachingDisabled().build();
        windows.init(context.getStateStoreContext(), windows);
        context.addStateStore(windows);
        watermarks = ProductRevenueTopology.watermarkStore().withLoggingDisabled().build();
        watermarks.init(context.getStateStoreContext(), watermarks);
        context.addStateStore(watermarks);
        start();
    }

    @AfterEach
    void tearDown() {
        windows.close();
        watermarks.close();
    }

    /** A new processor over the same stores, as after a restart that restored them from their changelogs. */
    private void start() {
        processor = new HourlyWindows(GRACE, PARTITIONS);
        processor.init(context);
    }

    private static long at(String timeOfDay) {
        return DAY.plusNanos(LocalTime.parse(timeOfDay).toNanoOfDay()).toEpochMilli();
    }

    private void partial(String product, String windowStart, String revenue, long orders) {
        processor.process(new Record<>(product, new Partial(at(windowStart), new RevenueTotals(new BigDecimal(revenue), orders)), at(windowStart)));
    }

    private void eventTime(int partition, String timeOfDay) {
        processor.process(new Record<>("", new Watermark(partition, at(timeOfDay), false), at(timeOfDay)));
    }

    private void idle(int partition, String timeOfDay) {
        processor.process(new Record<>("", new Watermark(partition, at(timeOfDay), true), at(timeOfDay)));
    }

    private List<ProductRevenue> finals() {
        List<ProductRevenue> finals = context.forwarded().stream()
                .map(CapturedForward::record)
                .filter(r -> r.value() instanceof Final)
                .map(r -> ((Final) r.value()).revenue())
                .toList();
        return finals;
    }

    private static ProductRevenue revenue(String product, String windowStart, String revenue, long orders) {
        Instant start = Instant.ofEpochMilli(at(windowStart));
        return new ProductRevenue(product, start, start.plus(ProductRevenueTopology.WINDOW_SIZE), new BigDecimal(revenue), orders);
    }

    @Test
    void partialSumsFromEveryPartitionAddUpExactly() {
        partial("keyboard", "10:00", "0.10", 1);
        partial("keyboard", "10:00", "0.20", 1);
        partial("keyboard", "10:00", "100.005", 3);
        for (int p = 0; p < PARTITIONS; p++) {
            eventTime(p, "11:05");
        }
        assertThat(finals()).containsExactly(revenue("keyboard", "10:00", "100.305", 5));
    }

    @Test
    void nothingClosesBeforeEveryPartitionHasReported() {
        partial("keyboard", "10:00", "5.00", 1);
        eventTime(0, "18:00");
        eventTime(1, "18:00");
        assertThat(processor.lowWatermark()).isEqualTo(Watermark.NONE);
        assertThat(finals()).isEmpty();

        eventTime(2, "11:05");
        assertThat(finals()).containsExactly(revenue("keyboard", "10:00", "5.00", 1));
    }

    @Test
    void aWindowClosesWhenTheSlowestPartitionPassesItsEndPlusGrace() {
        partial("keyboard", "10:00", "5.00", 1);
        partial("mouse", "11:00", "7.00", 1);
        eventTime(0, "13:00");
        eventTime(1, "13:00");
        eventTime(2, "11:04:59.999");
        assertThat(finals()).as("partition 2 is still inside the 10:00 window's grace").isEmpty();

        partial("keyboard", "10:00", "1.00", 1); // from partition 2, on time there
        eventTime(2, "11:05");
        assertThat(finals()).containsExactly(revenue("keyboard", "10:00", "6.00", 2));

        context.resetForwards();
        eventTime(0, "14:00"); // a faster partition moving on closes nothing more
        assertThat(finals()).isEmpty();
        eventTime(2, "12:05");
        assertThat(finals()).containsExactly(revenue("mouse", "11:00", "7.00", 1));
    }

    @Test
    void aFinalRecordComesOnceWhateverTheWatermarksDoAfterIt() {
        partial("keyboard", "10:00", "5.00", 1);
        for (int p = 0; p < PARTITIONS; p++) {
            eventTime(p, "11:05");
        }
        eventTime(1, "11:05");
        eventTime(1, "11:30");
        for (int p = 0; p < PARTITIONS; p++) {
            eventTime(p, "11:50");
        }
        assertThat(finals()).hasSize(1);
        assertThat(context.forwarded()).hasSize(1);
    }

    @Test
    void anIdlePartitionIsLeftOutAndASumForAWindowAlreadyEmittedGoesToTheLateTopic() {
        partial("keyboard", "10:00", "5.00", 1);
        partial("keyboard", "11:00", "2.00", 1);
        eventTime(0, "12:10");
        eventTime(1, "12:10");
        idle(2, "10:30");
        assertThat(processor.lowWatermark()).isEqualTo(at("12:10"));
        assertThat(finals()).containsExactly(revenue("keyboard", "10:00", "5.00", 1), revenue("keyboard", "11:00", "2.00", 1));

        context.resetForwards();
        eventTime(2, "10:40"); // back from idleness, far behind: the low watermark drops, nothing is emitted again
        assertThat(processor.lowWatermark()).isEqualTo(at("10:40"));
        partial("keyboard", "10:00", "3.00", 2);
        assertThat(finals()).isEmpty();
        assertThat(context.forwarded()).hasSize(1);
        Record<? extends String, ? extends RevenueEvent> late = context.forwarded().get(0).record();
        assertThat(late.key()).isEqualTo("keyboard");
        assertThat(new String(((Late) late.value()).value())).isEqualTo("{\"product\":\"keyboard\","
                + "\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T11:00:00Z\",\"revenue\":3.00,\"orders\":2}");
        assertThat(header(late.headers(), ProductRevenueTopology.LATE_REASON)).isEqualTo(ProductRevenueTopology.WINDOW_EMITTED);
        assertThat(header(late.headers(), ProductRevenueTopology.LATE_WINDOW_START)).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(header(late.headers(), ProductRevenueTopology.LATE_BY_MS)).isEqualTo(String.valueOf(Duration.ofMinutes(65).toMillis()));
        assertThat(windows.fetch("keyboard", at("10:00"))).as("a final window stays final")
                .isEqualTo(new RevenueTotals(new BigDecimal("5.00"), 1));
    }

    @Test
    void whenEveryPartitionIsIdleTheFurthestOneCloses() {
        partial("keyboard", "10:00", "5.00", 1);
        idle(0, "10:20");
        idle(1, "11:06");
        idle(2, Watermark.NONE);
        assertThat(finals()).containsExactly(revenue("keyboard", "10:00", "5.00", 1));
    }

    @Test
    void aPartitionWithoutOrdersThatIsIdleHoldsNothingOpen() {
        partial("keyboard", "10:00", "5.00", 1);
        eventTime(0, "11:05");
        eventTime(1, "11:05");
        assertThat(finals()).isEmpty();
        idle(2, Watermark.NONE);
        assertThat(finals()).containsExactly(revenue("keyboard", "10:00", "5.00", 1));
    }

    @Test
    void afterARestartTheWatermarksAndWhatWasEmittedAreResumedFromTheStores() {
        partial("keyboard", "10:00", "5.00", 1);
        partial("keyboard", "11:00", "1.00", 1);
        for (int p = 0; p < PARTITIONS; p++) {
            eventTime(p, "11:05");
        }
        assertThat(finals()).hasSize(1);

        context.resetForwards();
        start();
        eventTime(0, "12:05");
        eventTime(1, "12:05");
        assertThat(finals()).as("partition 2's 11:05 was kept").isEmpty();
        eventTime(2, "12:05");
        assertThat(finals()).as("10:00 is not emitted again").containsExactly(revenue("keyboard", "11:00", "1.00", 1));
    }

    private void idle(int partition, long time) {
        processor.process(new Record<>("", new Watermark(partition, time, true), 0));
    }
}
