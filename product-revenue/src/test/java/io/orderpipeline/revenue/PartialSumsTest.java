package io.orderpipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Order;
import io.orderpipeline.common.Parsed;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.revenue.RevenueEvent.Partial;
import io.orderpipeline.revenue.RevenueEvent.Watermark;
import java.math.BigDecimal;
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
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor that reads partition 2 of {@code orders}: its event time, its flushes and its idleness, on the wall clock. */
class PartialSumsTest {

    private static final int PARTITION = 2;
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Duration IDLENESS = Duration.ofSeconds(30);
    private static final Instant DAY = TestDriverSupport.BASE.truncatedTo(ChronoUnit.DAYS);

    private MockProcessorContext<String, RevenueEvent> context;
    private TimestampedWindowStore<String, RevenueTotals> sums;
    private KeyValueStore<Integer, Watermark> eventTime;
    private PartialSums processor;
    private long wallClock = 1_000_000;
    private long orderId;

    private static MockProcessorContext<String, RevenueEvent> newContext() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "partial-sums-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        return new MockProcessorContext<>(props, new TaskId(0, PARTITION), null);
    }

    @BeforeEach
    void setUp() {
        context = newContext();
        sums = ProductRevenueTopology.partialsStore().withLoggingDisabled().withCachingDisabled().build();
        sums.init(context.getStateStoreContext(), sums);
        context.addStateStore(sums);
        eventTime = ProductRevenueTopology.partitionTimeStore().withLoggingDisabled().withCachingDisabled().build();
        eventTime.init(context.getStateStoreContext(), eventTime);
        context.addStateStore(eventTime);
        start();
    }

    @AfterEach
    void tearDown() {
        sums.close();
        eventTime.close();
    }

    /** A new processor over the same stores, as a task that is started again. */
    private void start() {
        context.setCurrentSystemTimeMs(wallClock);
        processor = new PartialSums(GRACE, IDLENESS);
        processor.init(context);
    }

    private static long at(String timeOfDay) {
        return DAY.plusNanos(LocalTime.parse(timeOfDay).toNanoOfDay()).toEpochMilli();
    }

    private void order(String product, String amount, String timeOfDay) {
        orderId++;
        Order order = new Order(orderId, 42, new BigDecimal(amount), product, "paid");
        processor.process(new Record<>(String.valueOf(orderId), new Parsed<>(order, new byte[] {'{', '}'}), at(timeOfDay)));
    }

    /** Moves the wall clock on and runs the flush punctuation. */
    private void wallClock(Duration later) {
        wallClock += later.toMillis();
        context.setCurrentSystemTimeMs(wallClock);
        List<CapturedPunctuator> punctuators = context.scheduledPunctuators();
        assertThat(punctuators).hasSize(1);
        assertThat(punctuators.get(0).getInterval()).isEqualTo(PartialSums.FLUSH_INTERVAL);
        punctuators.get(punctuators.size() - 1).getPunctuator().punctuate(wallClock);
    }

    private List<RevenueEvent> sent() {
        List<RevenueEvent> sent = context.forwarded().stream().map(CapturedForward::record).map(r -> (RevenueEvent) r.value()).toList();
        context.resetForwards();
        return sent;
    }

    @Test
    void ordersAreSummedPerProductAndWindowAndSentAtTheFlushThenTheEventTime() {
        order("keyboard", "1.00", "10:10");
        order("keyboard", "2.50", "10:20");
        order("mouse", "4.00", "10:15");
        order("keyboard", "8.00", "11:01");
        assertThat(sent()).as("nothing before the flush").isEmpty();

        wallClock(PartialSums.FLUSH_INTERVAL);
        List<RevenueEvent> sent = sent();
        assertThat(sent).containsExactlyInAnyOrder(
                new Partial(at("10:00"), new RevenueTotals(new BigDecimal("3.50"), 2)),
                new Partial(at("10:00"), new RevenueTotals(new BigDecimal("4.00"), 1)),
                new Partial(at("11:00"), new RevenueTotals(new BigDecimal("8.00"), 1)),
                new Watermark(PARTITION, at("11:01"), false));
        assertThat(sent.get(sent.size() - 1)).isInstanceOf(Watermark.class);

        wallClock(PartialSums.FLUSH_INTERVAL);
        assertThat(sent()).as("nothing new").isEmpty();
    }

    @Test
    void anOrderThatClosesAWindowInItsPartitionFlushesAtOnce() {
        order("keyboard", "1.00", "10:10");
        order("keyboard", "1.00", "11:04:59.999");
        assertThat(sent()).isEmpty();
        order("keyboard", "2.00", "11:05");
        assertThat(sent()).containsExactlyInAnyOrder(
                new Partial(at("10:00"), new RevenueTotals(new BigDecimal("1.00"), 1)),
                new Partial(at("11:00"), new RevenueTotals(new BigDecimal("3.00"), 2)),
                new Watermark(PARTITION, at("11:05"), false));
    }

    @Test
    void aQuietPartitionSaysItIsIdleAfterTheIdlenessAndActiveAgainWithItsNextOrder() {
        order("keyboard", "1.00", "10:10");
        wallClock(PartialSums.FLUSH_INTERVAL);
        sent();

        wallClock(IDLENESS.minus(PartialSums.FLUSH_INTERVAL).minusMillis(1));
        assertThat(sent()).as("not quiet long enough").isEmpty();
        wallClock(Duration.ofMillis(1));
        assertThat(sent()).containsExactly(new Watermark(PARTITION, at("10:10"), true));
        wallClock(IDLENESS);
        assertThat(sent()).as("said once").isEmpty();

        order("keyboard", "1.00", "10:05"); // older than its event time, still on time: active again, event time unchanged
        wallClock(PartialSums.FLUSH_INTERVAL);
        assertThat(sent()).containsExactly(new Partial(at("10:00"), new RevenueTotals(new BigDecimal("1.00"), 1)),
                new Watermark(PARTITION, at("10:10"), false));
    }

    @Test
    void aPartitionWithoutAnyOrderReportsNoEventTimeThenIdleness() {
        wallClock(PartialSums.FLUSH_INTERVAL);
        assertThat(sent()).containsExactly(new Watermark(PARTITION, Watermark.NONE, false));
        wallClock(IDLENESS);
        assertThat(sent()).containsExactly(new Watermark(PARTITION, Watermark.NONE, true));
    }

    @Test
    void aRestartedTaskResumesItsEventTimeAndUnsentSumsAndIsNotIdle() {
        order("keyboard", "1.00", "10:10");
        wallClock(PartialSums.FLUSH_INTERVAL);
        wallClock(IDLENESS);
        sent();
        order("keyboard", "2.00", "10:40"); // summed, not yet sent: in the store when the task stops

        context = restartedContext();
        start();
        wallClock(PartialSums.FLUSH_INTERVAL);
        assertThat(sent()).containsExactly(new Partial(at("10:00"), new RevenueTotals(new BigDecimal("2.00"), 1)),
                new Watermark(PARTITION, at("10:40"), false));
        order("keyboard", "4.00", "10:30");
        order("keyboard", "4.00", "11:06");
        order("mouse", "9.00", "10:59"); // late in this partition: 11:06 is past 10:00's end + grace
        List<RevenueEvent> sent = sent();
        assertThat(sent).hasSize(4);
        assertThat(sent.subList(0, 3)).containsExactlyInAnyOrder(new Partial(at("10:00"), new RevenueTotals(new BigDecimal("4.00"), 1)),
                new Partial(at("11:00"), new RevenueTotals(new BigDecimal("4.00"), 1)), new Watermark(PARTITION, at("11:06"), false));
        assertThat(sent.get(3)).isInstanceOf(RevenueEvent.Late.class);
    }

    @Test
    void aRestartedTaskResumesTheHighestEventTimeItReadThoughLaterOrdersWereOlder() {
        order("keyboard", "1.00", "10:10");
        wallClock(PartialSums.FLUSH_INTERVAL);
        sent();
        order("keyboard", "2.00", "10:50"); // the partition's event time, not yet written on its own
        order("keyboard", "4.00", "10:20"); // older, on time: the same window's sum again
        order("mouse", "8.00", "10:30");

        context = restartedContext();
        start();
        order("mouse", "1.00", "10:00"); // added to the sum the task resumed
        wallClock(PartialSums.FLUSH_INTERVAL);
        assertThat(sent()).containsExactlyInAnyOrder(new Partial(at("10:00"), new RevenueTotals(new BigDecimal("6.00"), 2)),
                new Partial(at("10:00"), new RevenueTotals(new BigDecimal("9.00"), 2)),
                new Watermark(PARTITION, at("10:50"), false));
    }

    @Test
    void aRestartedTaskResumesTheEventTimeOfItsLastFlushWhenNothingIsUnsent() {
        order("keyboard", "1.00", "10:10");
        order("keyboard", "1.00", "10:40");
        wallClock(PartialSums.FLUSH_INTERVAL);
        sent();

        context = restartedContext();
        start();
        order("keyboard", "1.00", "09:04:59.999"); // late at 10:40 (09:00's end + grace is 10:05), on time at 10:10
        assertThat(sent()).singleElement().isInstanceOf(RevenueEvent.Late.class);
    }

    private MockProcessorContext<String, RevenueEvent> restartedContext() {
        MockProcessorContext<String, RevenueEvent> restarted = newContext();
        restarted.addStateStore(sums);
        restarted.addStateStore(eventTime);
        return restarted;
    }
}
