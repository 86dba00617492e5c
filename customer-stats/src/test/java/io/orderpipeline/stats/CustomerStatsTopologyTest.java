package io.orderpipeline.stats;

import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.header;
import static io.orderpipeline.common.TestDriverSupport.reason;
import static io.orderpipeline.common.TestDriverSupport.strictJson;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.BadOrders;
import io.orderpipeline.common.CustomerAlert;
import io.orderpipeline.common.CustomerStats;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.common.ValidOrders;
import io.orderpipeline.runtime.TestDrivers;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CustomerStatsTopologyTest {

    private static final BigDecimal THRESHOLD = new BigDecimal("10000");

    private TopologyTestDriver driver;
    private TestInputTopic<String, Order> orders;
    private TestInputTopic<byte[], byte[]> rawOrders;
    private TestOutputTopic<String, CustomerStats> stats;
    private TestOutputTopic<byte[], byte[]> rawStats;
    private TestOutputTopic<String, CustomerAlert> alerts;
    private TestOutputTopic<byte[], byte[]> rawAlerts;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private KeyValueStore<String, CustomerStats> store;

    @BeforeEach
    void setUp() {
        start(THRESHOLD);
    }

    private void start(BigDecimal threshold) {
        driver = TestDrivers.driver("customer-stats", CustomerStatsTopology.build(threshold));
        orders = TestDriverSupport.input(driver, Topics.ORDERS);
        rawOrders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
        stats = TestDriverSupport.output(driver, Topics.CUSTOMER_STATS);
        rawStats = TestDriverSupport.rawOutput(driver, Topics.CUSTOMER_STATS.name());
        alerts = TestDriverSupport.output(driver, Topics.CUSTOMER_ALERTS);
        rawAlerts = TestDriverSupport.rawOutput(driver, Topics.CUSTOMER_ALERTS.name());
        deadLetters = TestDriverSupport.rawOutput(driver, Topics.deadLetter("customer-stats"));
        store = driver.getKeyValueStore(CustomerStatsTopology.STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void pipe(long orderId, long customerId, String amount) {
        orders.pipeInput(String.valueOf(orderId), new Order(orderId, customerId, new BigDecimal(amount), "keyboard", "paid"));
    }

    private static CustomerStats stats(long customerId, long count, String total) {
        return new CustomerStats(customerId, count, new BigDecimal(total));
    }

    @Test
    void keepsRunningTotalsPerCustomerOverManyOrders() {
        Random random = new Random(20261124);
        Map<Long, Long> counts = new HashMap<>();
        Map<Long, BigDecimal> totals = new HashMap<>();
        List<KeyValue<String, CustomerStats>> expectedStats = new ArrayList<>();
        List<KeyValue<String, CustomerAlert>> expectedAlerts = new ArrayList<>();
        for (long orderId = 1; orderId <= 1000; orderId++) {
            long customerId = 1 + random.nextInt(37);
            BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000), 2); // 0.00 .. 999.99
            orders.pipeInput(String.valueOf(orderId), new Order(orderId, customerId, amount, "keyboard", "paid"));

            BigDecimal before = totals.getOrDefault(customerId, BigDecimal.ZERO);
            BigDecimal after = before.add(amount);
            long count = counts.merge(customerId, 1L, Long::sum);
            totals.put(customerId, after);
            expectedStats.add(KeyValue.pair(String.valueOf(customerId), new CustomerStats(customerId, count, after)));
            if (before.compareTo(THRESHOLD) <= 0 && after.compareTo(THRESHOLD) > 0) {
                expectedAlerts.add(KeyValue.pair(String.valueOf(customerId), new CustomerAlert(customerId, count, after, THRESHOLD)));
            }
        }

        assertThat(stats.readKeyValuesToList()).containsExactlyElementsOf(expectedStats);
        assertThat(totals).hasSize(37);
        for (Map.Entry<Long, BigDecimal> total : totals.entrySet()) {
            long customerId = total.getKey();
            assertThat(store.get(String.valueOf(customerId)))
                    .isEqualTo(new CustomerStats(customerId, counts.get(customerId), total.getValue()));
        }
        try (var all = store.all()) {
            assertThat(all).toIterable().hasSize(37);
        }
        // the seed takes some customers over 10000 and leaves others under: both paths are exercised
        assertThat(expectedAlerts).hasSizeBetween(1, 36);
        assertThat(alerts.readKeyValuesToList()).containsExactlyElementsOf(expectedAlerts);
    }

    @Test
    void alertsExactlyOnceWhenTheTotalGoesOverTheThreshold() {
        pipe(1, 42, "9999.99");
        pipe(2, 42, "0.01");   // 10000.00: not over the threshold
        assertThat(alerts.isEmpty()).isTrue();

        pipe(3, 42, "0.01");   // 10000.00 -> 10000.01: the crossing
        assertThat(new String(rawAlerts.readRecord().value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"customer_id\":42,\"count\":3,\"total\":10000.01,\"threshold\":10000}");

        pipe(4, 42, "500");    // still over: no second alert
        pipe(5, 42, "0");
        assertThat(rawAlerts.isEmpty()).isTrue();
        assertThat(stats.readValuesToList()).extracting(CustomerStats::total).containsExactly(
                new BigDecimal("9999.99"), new BigDecimal("10000.00"), new BigDecimal("10000.01"),
                new BigDecimal("10500.01"), new BigDecimal("10500.01"));
    }

    @Test
    void keepsTheLatestAlertsOfEachPartitionWithTheirTimeAndDropsTheOldest() {
        KeyValueStore<String, CustomerStatsTopology.LatestAlert> latest = driver.getKeyValueStore(CustomerStatsTopology.ALERTS_STORE);
        java.time.Instant base = java.time.Instant.parse("2026-11-24T10:00:00Z");
        int alerted = CustomerStatsTopology.ALERTS_KEPT + 5;
        for (int customer = 1; customer <= alerted; customer++) {
            orders.pipeInput(String.valueOf(customer), new Order(customer, customer, new BigDecimal("10000.01"), "keyboard", "paid"),
                    base.plusSeconds(customer));
            pipe(1000 + customer, customer, "5"); // over already: no second alert
        }
        assertThat(alerts.readValuesToList()).hasSize(alerted);
        List<CustomerStatsTopology.LatestAlert> kept = new ArrayList<>();
        try (var all = latest.all()) {
            all.forEachRemaining(entry -> kept.add(entry.value));
        }
        assertThat(kept).hasSize(CustomerStatsTopology.ALERTS_KEPT);
        // oldest first; the five oldest are gone
        assertThat(kept.get(0)).isEqualTo(new CustomerStatsTopology.LatestAlert(6, 1, new BigDecimal("10000.01"), THRESHOLD,
                base.plusSeconds(6)));
        assertThat(kept.get(kept.size() - 1).customerId()).isEqualTo(alerted);
        assertThat(kept.get(kept.size() - 1).alertedAt()).isEqualTo(base.plusSeconds(alerted));
    }

    @Test
    void alertsOnAFirstOrderOverTheThresholdButNotOnOneExactlyAtIt() {
        pipe(1, 7, "10000.00");
        pipe(2, 8, "10000.01");
        pipe(3, 9, "25000");

        assertThat(alerts.readKeyValuesToList()).containsExactly(
                KeyValue.pair("8", new CustomerAlert(8, 1, new BigDecimal("10000.01"), THRESHOLD)),
                KeyValue.pair("9", new CustomerAlert(9, 1, new BigDecimal("25000"), THRESHOLD)));
    }

    @Test
    void theThresholdIsConfigurable() {
        driver.close();
        start(new BigDecimal("50.5"));

        pipe(1, 42, "50");
        pipe(2, 42, "0.50");   // 50.50: at the threshold, not over
        assertThat(alerts.isEmpty()).isTrue();
        pipe(3, 42, "0.01");
        assertThat(alerts.readKeyValue()).isEqualTo(
                KeyValue.pair("42", new CustomerAlert(42, 3, new BigDecimal("50.51"), new BigDecimal("50.5"))));
        pipe(4, 42, "10000");
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void sumsExactDecimals() {
        rawOrders.pipeInput(utf8("1"), utf8("{\"order_id\":1,\"customer_id\":7,\"amount\":0.10,\"product\":\"pen\"}"));
        rawOrders.pipeInput(utf8("2"), utf8("{\"order_id\":2,\"customer_id\":7,\"amount\":0.20,\"product\":\"pen\"}"));

        assertThat(rawStats.readValuesToList()).extracting(v -> new String(v, StandardCharsets.UTF_8)).containsExactly(
                "{\"customer_id\":7,\"count\":1,\"total\":0.10}",
                "{\"customer_id\":7,\"count\":2,\"total\":0.30}");
        assertThat(store.get("7")).isEqualTo(stats(7, 2, "0.30"));
        assertThat(store.get("7").total().toPlainString()).isEqualTo("0.30");
    }

    @Test
    void keysOutputByCustomerIdWhateverTheOrderKey() {
        pipe(1001, 42, "10");
        orders.pipeInput((String) null, new Order(1002, 42, new BigDecimal("5"), "mouse", null));
        pipe(1003, 43, "1");

        assertThat(stats.readKeyValuesToList()).containsExactly(
                KeyValue.pair("42", stats(42, 1, "10")),
                KeyValue.pair("42", stats(42, 2, "15")),
                KeyValue.pair("43", stats(43, 1, "1")));
        assertThat(store.get("1001")).isNull();
        assertThat(store.get("42")).isEqualTo(stats(42, 2, "15"));
    }

    @Test
    void theRepartitionTopicCarriesOnlyEachOrdersAmountInBinary() {
        String value = TestDriverSupport.unusualOrderJson(1001, 42, "mouse");
        rawOrders.pipeInput(utf8("1001"), utf8(value));

        TestRecord<byte[], byte[]> repartitioned =
                TestDriverSupport.repartition(driver, "customer-stats", CustomerStatsTopology.REPARTITION).readRecord();
        assertThat(repartitioned.key()).isEqualTo(utf8("42"));
        // scale 2, then 1050 in two's complement: no JSON to parse after the shuffle
        assertThat(repartitioned.value()).containsExactly(0, 0, 0, 2, 0x04, 0x1A);
        assertThat(stats.readValue()).isEqualTo(stats(42, 1, "10.50"));
    }

    @Test
    void theBinaryFormsAreExactForEveryScaleAndSign() {
        for (String amount : List.of("0", "0.00", "149.99", "100.005", "999999999999999.99999999", "1E+3", "-0.01", "128", "-128")) {
            BigDecimal decimal = new BigDecimal(amount);
            byte[] bytes = CustomerStatsTopology.AMOUNT.serializer().serialize("t", decimal);
            assertThat(CustomerStatsTopology.AMOUNT.deserializer().deserialize("t", bytes)).as(amount)
                    .isEqualTo(decimal).hasScaleOf(decimal.scale());
            CustomerStats totals = new CustomerStats(Long.MIN_VALUE, Long.MAX_VALUE, decimal);
            assertThat(CustomerStatsTopology.STATS.deserializer().deserialize("t",
                    CustomerStatsTopology.STATS.serializer().serialize("t", totals))).as(amount).isEqualTo(totals);
        }
        assertThat(CustomerStatsTopology.AMOUNT.serializer().serialize("t", null)).isNull();
        assertThat(CustomerStatsTopology.STATS.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void keepsStateInAPersistentStoreAndNamesEveryNode() {
        assertThat(store.persistent()).isTrue();
        String description = CustomerStatsTopology.build(THRESHOLD).describe().toString();
        assertThat(description)
                .contains("amounts-by-customer-repartition")
                .contains("stores: [" + CustomerStatsTopology.STORE + "]")
                .doesNotContain("KSTREAM-")
                .doesNotContain("KTABLE-");
    }

    @Test
    void everyBadRecordGoesToTheDeadLetterTopicUnchangedAndTheNextGoodOneStillFlows() {
        long offset = 0;
        for (Map.Entry<String, byte[]> bad : BadOrders.all().entrySet()) {
            byte[] key = utf8("bad-" + offset);
            rawOrders.pipeInput(key, bad.getValue());
            pipe(offset, 42, "1.50");

            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertDeadLetter(dead, bad.getKey(), key, bad.getValue(), "orders", offset * 2, reason(Topics.ORDERS, bad.getValue()));
            offset++;
            assertThat(stats.readKeyValue()).as(bad.getKey()).isEqualTo(KeyValue.pair("42",
                    new CustomerStats(42, offset, new BigDecimal("1.50").multiply(BigDecimal.valueOf(offset)))));
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(stats.isEmpty()).isTrue();
        assertThat(store.get("42").count()).isEqualTo(BadOrders.all().size());
    }

    @Test
    void everyValidOrderAtTheEdgesIsCountedAndEveryOutputIsStrictJson() {
        Map<Long, BigDecimal> totals = new HashMap<>();
        Map<Long, Long> counts = new HashMap<>();
        for (Map.Entry<String, byte[]> valid : ValidOrders.edges().entrySet()) {
            rawOrders.pipeInput(utf8("k"), valid.getValue());
            JsonNode order = strictJson(valid.getValue());
            long customerId = order.get("customer_id").longValue();
            BigDecimal total = totals.merge(customerId, order.get("amount").decimalValue(), BigDecimal::add);
            long count = counts.merge(customerId, 1L, Long::sum);

            JsonNode out = strictJson(rawStats.readRecord().value());
            assertThat(out.get("customer_id").longValue()).as(valid.getKey()).isEqualTo(customerId);
            assertThat(out.get("count").longValue()).as(valid.getKey()).isEqualTo(count);
            assertThat(out.get("total").decimalValue()).as(valid.getKey()).isEqualByComparingTo(total);
            assertThat(deadLetters.isEmpty()).as(valid.getKey()).isTrue();
        }
        // the largest amount takes customer 42 over the threshold: one alert
        assertThat(strictJson(rawAlerts.readRecord().value()).get("customer_id").longValue()).isEqualTo(42);
        assertThat(rawAlerts.isEmpty()).isTrue();
    }
}
