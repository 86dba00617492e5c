package io.orderpipeline.revenue;

import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.header;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static io.orderpipeline.revenue.ProductRevenueTopology.STORE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.orderpipeline.common.BadOrders;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.TestDrivers;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole topology on the test driver's one partition of {@code orders}: windows are closed by
 * piping later records (an order that moves the partition's event time past a window's close
 * flushes at once); the sums of the current window reach {@link ProductRevenueTopology#STORE} at
 * the next flush, which {@link #flush()} brings by advancing the wall clock. Several partitions,
 * idleness and the low watermark: {@link HourlyWindowsTest} and {@link PartialSumsTest}.
 */
class ProductRevenueTopologyTest {

    private static final String SERVICE = Services.PRODUCT_REVENUE.name();
    /** Midnight (UTC) of the test day, 2026-11-24, from the shared fixed base instant. */
    private static final Instant DAY = TestDriverSupport.BASE.truncatedTo(ChronoUnit.DAYS);

    /**
     * These tests move event time by piping orders of later hours and days, ahead of the driver's
     * wall clock ({@link TestDriverSupport#BASE}): the bound on timestamps ahead of the clock is set
     * two days out, except where a test is about that bound.
     */
    private static final Map<String, String> DAY_AHEAD = Map.of(Inputs.MAX_AHEAD_PROPERTY, String.valueOf(Duration.ofDays(2).toMillis()));

    private TopologyTestDriver driver;
    private TestInputTopic<String, Order> orders;
    private TestInputTopic<byte[], byte[]> rawOrders;
    private TestOutputTopic<String, ProductRevenue> hourly;
    private TestOutputTopic<byte[], byte[]> rawHourly;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<byte[], byte[]> late;
    private long orderId;

    @BeforeEach
    void setUp() {
        start(ProductRevenueTopology.DEFAULT_GRACE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void start(Duration grace) {
        start(grace, Map.of());
    }

    private void start(Duration grace, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(DAY_AHEAD);
        properties.putAll(overrides);
        driver = TestDrivers.driver(SERVICE, ProductRevenueTopology.build(grace), properties);
        orders = TestDriverSupport.input(driver, Topics.ORDERS);
        rawOrders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
        hourly = TestDriverSupport.output(driver, Topics.PRODUCT_REVENUE_HOURLY);
        rawHourly = TestDriverSupport.rawOutput(driver, Topics.PRODUCT_REVENUE_HOURLY.name());
        deadLetters = TestDriverSupport.rawOutput(driver, Topics.deadLetter(SERVICE));
        late = TestDriverSupport.rawOutput(driver, Topics.PRODUCT_REVENUE_LATE.name());
    }

    /** Sends the sums read since the last flush downstream, as the wall clock does every 100 ms. */
    private void flush() {
        driver.advanceWallClockTime(PartialSums.FLUSH_INTERVAL);
    }

    private void restart(Duration grace) {
        restart(grace, Map.of());
    }

    private void restart(Duration grace, Map<String, String> overrides) {
        driver.close();
        start(grace, overrides);
    }

    /** An instant on the test day, e.g. {@code at("10:59:59.999")}. */
    private static Instant at(String timeOfDay) {
        return DAY.plusNanos(LocalTime.parse(timeOfDay).toNanoOfDay());
    }

    /** One order of {@code product} with record timestamp {@code timestamp}. */
    private void pipe(String product, String amount, Instant timestamp) {
        orderId++;
        orders.pipeInput(String.valueOf(orderId), new Order(orderId, 42, new BigDecimal(amount), product, "paid"), timestamp);
    }

    private static ProductRevenue revenue(String product, Instant windowStart, String revenue, long orders) {
        return new ProductRevenue(product, windowStart, windowStart.plus(ProductRevenueTopology.WINDOW_SIZE),
                new BigDecimal(revenue), orders);
    }

    private RevenueTotals stored(String product, Instant windowStart) {
        flush();
        WindowStore<String, RevenueTotals> store = driver.getWindowStore(STORE);
        return store.fetch(product, windowStart.toEpochMilli());
    }

    private double lateOrdersTotal() {
        return driver.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("late-orders-total") && m.getKey().group().equals("stream-product-revenue-metrics"))
                .mapToDouble(m -> (Double) m.getValue().metricValue())
                .sum();
    }

    @Test
    void windowsAreAlignedToTheHourWithTheEndExclusive() {
        pipe("keyboard", "1.00", at("10:00:00.000"));
        pipe("keyboard", "2.00", at("10:59:59.999"));
        pipe("keyboard", "4.00", at("11:00:00.000"));
        pipe("keyboard", "8.00", at("12:05:00.000")); // closes 10:00-11:00 and 11:00-12:00

        assertThat(hourly.readRecordsToList())
                .extracting(TestRecord::key, TestRecord::value)
                .containsExactly(
                        tuple("keyboard", revenue("keyboard", at("10:00"), "3.00", 2)),
                        tuple("keyboard", revenue("keyboard", at("11:00"), "4.00", 1)));
        assertThat(stored("keyboard", at("12:00"))).isEqualTo(new RevenueTotals(new BigDecimal("8.00"), 1));
    }

    @Test
    void theFinalRecordComesOnceAfterWindowEndPlusGraceNotAtWindowEnd() {
        pipe("keyboard", "10.00", at("10:15"));
        pipe("keyboard", "1.00", at("11:00:00.000")); // window end: still open for late records
        pipe("keyboard", "1.00", at("11:04:59.999")); // end + grace - 1 ms: still open
        assertThat(hourly.isEmpty()).isTrue();

        pipe("keyboard", "1.00", at("11:05:00.000")); // end + grace: closed
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("10:00"), "10.00", 1));

        pipe("keyboard", "1.00", at("11:30"));
        pipe("keyboard", "1.00", at("11:59:59.999"));
        pipe("mouse", "1.00", at("11:10"));
        assertThat(hourly.isEmpty()).as("the 10:00 window is emitted once only").isTrue();

        pipe("keyboard", "1.00", at("12:05"));
        assertThat(hourly.readValuesToList()).containsExactly(
                revenue("keyboard", at("11:00"), "5.00", 5),
                revenue("mouse", at("11:00"), "1.00", 1));
    }

    @Test
    void aRecordInsideTheGraceIsCounted() {
        pipe("keyboard", "5.00", at("10:15"));
        pipe("keyboard", "1.00", at("11:04"));
        pipe("keyboard", "7.00", at("10:59")); // 5 min late, stream time 11:04 < 11:05

        assertThat(stored("keyboard", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("12.00"), 2));
        pipe("keyboard", "1.00", at("11:05"));
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("10:00"), "12.00", 2));
    }

    @Test
    void anOrderAfterWindowEndPlusGraceInItsPartitionGoesToTheLateTopicAsReadWithItsWindowAndLateness() {
        pipe("keyboard", "5.00", at("10:15"));
        pipe("keyboard", "1.00", at("11:05"));
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("10:00"), "5.00", 1));
        assertThat(late.isEmpty()).isTrue();

        String value = TestDriverSupport.unusualOrderJson(1001, 42, "keyboard");
        rawOrders.pipeInput(new TestRecord<>(utf8("1001"), utf8(value),
                new RecordHeaders().add("trace", utf8("t-1")), at("10:30"))); // partition time 11:05: the 10:00 window is closed

        TestRecord<byte[], byte[]> dropped = late.readRecord();
        assertThat(new String(dropped.key())).isEqualTo("keyboard");
        assertThat(dropped.value()).as("the order's bytes as read").isEqualTo(utf8(value));
        assertThat(dropped.timestamp()).isEqualTo(at("10:30").toEpochMilli());
        assertThat(header(dropped.headers(), "trace")).as("its own headers are kept").isEqualTo("t-1");
        assertThat(header(dropped.headers(), ProductRevenueTopology.LATE_REASON)).isEqualTo(ProductRevenueTopology.LATE_IN_PARTITION);
        assertThat(header(dropped.headers(), ProductRevenueTopology.LATE_WINDOW_START)).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(header(dropped.headers(), ProductRevenueTopology.LATE_WINDOW_END)).isEqualTo("2026-11-24T11:00:00Z");
        assertThat(header(dropped.headers(), ProductRevenueTopology.LATE_BY_MS)).isEqualTo("0");
        assertThat(late.isEmpty()).isTrue();
        assertThat(lateOrdersTotal()).as("late-orders-total on /metrics").isEqualTo(1.0);
        assertThat(stored("keyboard", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("5.00"), 1));
        assertThat(stored("keyboard", at("11:00"))).isEqualTo(new RevenueTotals(new BigDecimal("1.00"), 1));
        pipe("keyboard", "1.00", at("12:05"));
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("11:00"), "1.00", 1));
    }

    @Test
    void sumsAreExactDecimalsWrittenAsTheContractShows() {
        pipe("keyboard", "0.10", at("10:15"));
        pipe("keyboard", "0.20", at("10:45"));
        pipe("mouse", "0", at("11:05"));

        TestRecord<byte[], byte[]> out = rawHourly.readRecord();
        assertThat(new String(out.key())).isEqualTo("keyboard");
        assertThat(new String(out.value())).isEqualTo("{\"product\":\"keyboard\","
                + "\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T11:00:00Z\","
                + "\"revenue\":0.30,\"orders\":2}");
        assertThat(rawHourly.isEmpty()).isTrue();
    }

    @Test
    void onePerProductAndWindowForSeveralProductsWithOrWithoutAnOrderKey() {
        pipe("keyboard", "100.00", at("10:01"));
        pipe("mouse", "20.00", at("10:02"));
        orders.pipeInput((String) null, new Order(500, 7, new BigDecimal("30.00"), "mouse", null), at("10:03"));
        pipe("monitor", "300.00", at("10:59"));
        pipe("keyboard", "50.00", at("11:01"));
        pipe("mouse", "25.00", at("11:02"));
        pipe("cable", "5.00", at("12:05"));

        assertThat(hourly.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value)
                .containsExactlyInAnyOrder(
                        tuple("keyboard", revenue("keyboard", at("10:00"), "100.00", 1)),
                        tuple("mouse", revenue("mouse", at("10:00"), "50.00", 2)),
                        tuple("monitor", revenue("monitor", at("10:00"), "300.00", 1)),
                        tuple("keyboard", revenue("keyboard", at("11:00"), "50.00", 1)),
                        tuple("mouse", revenue("mouse", at("11:00"), "25.00", 1)));
    }

    @Test
    void theRepartitionTopicCarriesPartialSumsThenThePartitionsEventTimeNotOrders() {
        rawOrders.pipeInput(utf8("1001"), utf8(TestDriverSupport.unusualOrderJson(1001, 42, "mouse")), at("10:15"));
        pipe("mouse", "1.00", at("10:20"));
        pipe("keyboard", "2.00", at("10:25"));
        flush();

        TestOutputTopic<byte[], byte[]> repartition = TestDriverSupport.repartition(driver, SERVICE, ProductRevenueTopology.REPARTITION);
        List<TestRecord<byte[], byte[]>> shuffled = repartition.readRecordsToList();
        assertThat(shuffled).extracting(r -> r.key() == null ? null : new String(r.key()),
                        r -> RevenueEvent.SHUFFLED.deserializer().deserialize("t", r.value()))
                .containsExactlyInAnyOrder(
                        tuple("mouse", new RevenueEvent.Partial(at("10:00").toEpochMilli(), new RevenueTotals(new BigDecimal("11.50"), 2))),
                        tuple("keyboard", new RevenueEvent.Partial(at("10:00").toEpochMilli(), new RevenueTotals(new BigDecimal("2.00"), 1))),
                        tuple("", new RevenueEvent.Watermark(0, at("10:25").toEpochMilli(), false)));
        assertThat(shuffled.get(shuffled.size() - 1).value()).as("the event time comes after the sums it covers")
                .isEqualTo(RevenueEvent.SHUFFLED.serializer().serialize("t", new RevenueEvent.Watermark(0, at("10:25").toEpochMilli(), false)));
        assertThat(stored("mouse", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("11.50"), 2));

        flush();
        assertThat(repartition.isEmpty()).as("nothing new, nothing sent").isTrue();
    }

    @Test
    void windowsAreQueryableForOneDayThenGone() {
        // The store itself, as IQv2 (the HTTP API) reads it: beneath the record cache, which is off
        // here because the classic API would also find an expired window there until it is evicted.
        restart(ProductRevenueTopology.DEFAULT_GRACE, Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0"));
        pipe("keyboard", "10.00", at("10:15"));
        pipe("mouse", "1.00", at("11:10"));
        assertThat(stored("keyboard", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("10.00"), 1));

        Instant nextDay = at("10:15").plus(Duration.ofDays(1));
        pipe("mouse", "1.00", nextDay); // newest window starts exactly 1 day after the keyboard's
        assertThat(stored("keyboard", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("10.00"), 1));

        pipe("mouse", "1.00", nextDay.plus(Duration.ofHours(1))); // now more than 1 day after
        assertThat(stored("keyboard", at("10:00"))).isNull();
        WindowStore<String, RevenueTotals> store = driver.getWindowStore(STORE);
        try (var day = store.fetch("keyboard", DAY.toEpochMilli(), nextDay.toEpochMilli())) {
            assertThat(day.hasNext()).as("a range query does not see it either").isFalse();
        }
        assertThat(stored("mouse", at("11:00"))).as("a window less than a day old is kept")
                .isEqualTo(new RevenueTotals(new BigDecimal("1.00"), 1));
    }

    @Test
    void theGraceIsConfigurable() {
        restart(Duration.ZERO);
        pipe("keyboard", "1.00", at("10:15"));
        pipe("keyboard", "2.00", at("10:59:59.999"));
        assertThat(hourly.isEmpty()).isTrue();
        pipe("keyboard", "4.00", at("11:00"));
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("10:00"), "3.00", 2));
        pipe("keyboard", "8.00", at("10:59:59.999")); // no grace: late
        assertThat(late.readRecord().headers().lastHeader(ProductRevenueTopology.LATE_WINDOW_START)).isNotNull();

        restart(Duration.ofMinutes(10));
        pipe("keyboard", "1.00", at("10:15"));
        pipe("keyboard", "2.00", at("11:05"));
        pipe("keyboard", "4.00", at("10:50")); // 15 minutes late, inside a 10-minute grace
        pipe("keyboard", "8.00", at("11:09:59.999"));
        assertThat(hourly.isEmpty()).isTrue();
        pipe("keyboard", "16.00", at("11:10"));
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("10:00"), "5.00", 2));
    }

    @Test
    void aGraceLongerThanRetentionMinusWindowSizeIsRejected() {
        Duration max = ProductRevenueTopology.RETENTION.minus(ProductRevenueTopology.WINDOW_SIZE);
        assertThat(ProductRevenueTopology.build(max)).isNotNull();
        assertThatThrownBy(() -> ProductRevenueTopology.build(max.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grace");
        assertThatThrownBy(() -> ProductRevenueTopology.build(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyBadRecordGoesToTheDeadLetterTopicUnchangedAndTheNextGoodOneIsCounted() {
        long offset = 0;
        for (Map.Entry<String, byte[]> bad : BadOrders.all().entrySet()) {
            byte[] key = utf8("bad-" + offset);
            rawOrders.pipeInput(key, bad.getValue(), at("10:15"));
            orders.pipeInput("good-" + offset, new Order(offset, 42, new BigDecimal("1.50"), "keyboard", "paid"), at("10:15"));

            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertDeadLetter(dead, bad.getKey(), key, bad.getValue(), "orders", offset * 2, "Invalid Order");
            assertThat(stored("keyboard", at("10:00")).orders()).as(bad.getKey()).isEqualTo(offset + 1);
            offset++;
        }
        assertThat(deadLetters.isEmpty()).isTrue();

        pipe("keyboard", "0", at("11:05"));
        assertThat(hourly.readValuesToList()).containsExactly(
                revenue("keyboard", at("10:00"), new BigDecimal("1.50").multiply(BigDecimal.valueOf(offset)).toPlainString(), offset));
    }

    @Test
    void oneOrderFromAFastClockIsDeadLetteredAndLeavesTheCurrentHourExact() {
        // the test driver's wall clock stands at 10:15; the broker accepts timestamps up to an hour ahead
        restart(ProductRevenueTopology.DEFAULT_GRACE, Map.of(Inputs.MAX_AHEAD_PROPERTY, String.valueOf(Inputs.DEFAULT_MAX_AHEAD.toMillis())));
        pipe("keyboard", "10.00", at("10:15"));
        byte[] fast = utf8("{\"order_id\":99,\"customer_id\":42,\"amount\":5.00,\"product\":\"keyboard\"}");
        rawOrders.pipeInput(utf8("99"), fast, at("11:05"));
        pipe("keyboard", "20.00", at("10:15:30"));
        pipe("keyboard", "30.00", at("10:16"));

        assertDeadLetter(deadLetters.readRecord(), "50 minutes ahead", utf8("99"), fast, "orders", 1,
                "Invalid Order: timestamp 2026-11-24T11:05:00Z is 3000000 ms ahead of the wall clock");
        assertThat(stored("keyboard", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("60.00"), 3));
        assertThat(late.isEmpty()).isTrue();
        assertThat(hourly.isEmpty()).isTrue();
    }

    @Test
    void everyOperatorStoreAndInternalTopicIsNamed() {
        String description = ProductRevenueTopology.build(ProductRevenueTopology.DEFAULT_GRACE).describe().toString();
        assertThat(description)
                .contains("stores: [" + ProductRevenueTopology.PARTIALS_STORE + ", " + ProductRevenueTopology.PARTITION_TIME_STORE + "]")
                .contains("stores: [" + ProductRevenueTopology.WATERMARK_STORE + ", " + STORE + "]")
                .contains("topic: partial-sums-repartition")
                .doesNotContain("KSTREAM-")
                .doesNotContain("KTABLE-");
    }
}
