package io.orderpipeline.revenue;

import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.header;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static io.orderpipeline.revenue.ProductRevenueTopology.STORE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.orderpipeline.common.BadOrders;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Windows are closed by piping later records (stream time), never by the wall clock. The driver
 * turns off Kafka Streams' throttle of the closed-window check (at most once per wall-clock second
 * on a real app), so here every record emits the windows it closes.
 */
class ProductRevenueTopologyTest {

    private static final String SERVICE = ProductRevenueApp.SERVICE;
    /** Midnight (UTC) of the test day, 2026-11-24, from the shared fixed base instant. */
    private static final Instant DAY = TestDriverSupport.BASE.truncatedTo(ChronoUnit.DAYS);

    private TopologyTestDriver driver;
    private TestInputTopic<String, Order> orders;
    private TestInputTopic<byte[], byte[]> rawOrders;
    private TestOutputTopic<String, ProductRevenue> hourly;
    private TestOutputTopic<byte[], byte[]> rawHourly;
    private TestOutputTopic<byte[], byte[]> deadLetters;
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
        driver = TestDriverSupport.driver(SERVICE, ProductRevenueTopology.build(grace), overrides);
        orders = TestDriverSupport.input(driver, Topics.ORDERS);
        rawOrders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
        hourly = TestDriverSupport.output(driver, Topics.PRODUCT_REVENUE_HOURLY);
        rawHourly = TestDriverSupport.rawOutput(driver, Topics.PRODUCT_REVENUE_HOURLY.name());
        deadLetters = TestDriverSupport.rawOutput(driver, Topics.deadLetter(SERVICE));
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
        WindowStore<String, RevenueTotals> store = driver.getWindowStore(STORE);
        return store.fetch(product, windowStart.toEpochMilli());
    }

    private double droppedRecords() {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : driver.metrics().entrySet()) {
            if (metric.getKey().name().equals("dropped-records-total")) {
                total += (Double) metric.getValue().metricValue();
            }
        }
        return total;
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
    void aRecordAfterWindowEndPlusGraceIsDroppedNotCountedAndShowsInTheDroppedRecordsMetric() {
        pipe("keyboard", "5.00", at("10:15"));
        pipe("keyboard", "1.00", at("11:05"));
        assertThat(hourly.readValuesToList()).containsExactly(revenue("keyboard", at("10:00"), "5.00", 1));
        assertThat(droppedRecords()).isZero();

        pipe("keyboard", "99.00", at("10:30")); // stream time 11:05: the 10:00 window is closed

        assertThat(droppedRecords()).isEqualTo(1.0);
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
    void theRepartitionTopicCarriesEachOrderAsItWasRead() {
        String value = TestDriverSupport.unusualOrderJson(1001, 42, "mouse");
        rawOrders.pipeInput(utf8("1001"), utf8(value), at("10:15"));

        TestRecord<byte[], byte[]> repartitioned =
                TestDriverSupport.repartition(driver, SERVICE, ProductRevenueTopology.REPARTITION).readRecord();
        assertThat(repartitioned.key()).isEqualTo(utf8("mouse"));
        assertThat(repartitioned.value()).isEqualTo(utf8(value));
        assertThat(stored("mouse", at("10:00"))).isEqualTo(new RevenueTotals(new BigDecimal("10.50"), 1));
    }

    @Test
    void windowsAreQueryableForOneDayThenGone() {
        // The store itself, as IQv2 (the HTTP API) reads it: beneath the record cache, which is off
        // here because the classic API would also find an expired window there until it is evicted.
        restart(ProductRevenueTopology.DEFAULT_GRACE, Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0"));
        pipe("keyboard", "10.00", at("10:15"));
        pipe("mouse", "1.00", at("11:10"));
        WindowStore<String, ValueAndTimestamp<RevenueTotals>> timestamped = driver.getTimestampedWindowStore(STORE);
        assertThat(timestamped.fetch("keyboard", at("10:00").toEpochMilli()))
                .as("the store holds ValueAndTimestamp: the totals and the newest order's timestamp")
                .isEqualTo(ValueAndTimestamp.make(new RevenueTotals(new BigDecimal("10.00"), 1), at("10:15").toEpochMilli()));

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
        assertThat(droppedRecords()).isEqualTo(1.0);

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
                .hasMessageContaining(STORE);
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
    void everyOperatorStoreAndInternalTopicIsNamed() {
        String description = ProductRevenueTopology.build(ProductRevenueTopology.DEFAULT_GRACE).describe().toString();
        assertThat(description)
                .contains("stores: [" + STORE + "]")
                .contains("topic: orders-by-product-repartition")
                .doesNotContain("KSTREAM-")
                .doesNotContain("KTABLE-");
    }
}
