package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The checker must see what it is there to see: losses, duplicates, wrong totals, wrong windows. */
class ExpectedTest {

    private static final long T0 = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();
    private static final Expected.Rules RULES = Expected.Rules.of(10000, Duration.ofSeconds(2), 3);

    private final List<InputRecord> orders = new ArrayList<>();
    private final List<InputRecord> customers = new ArrayList<>();

    private void order(long ts, String key, String json) {
        orderIn(0, ts, key, json);
    }

    private void orderIn(int partition, long ts, String key, String json, Header... headers) {
        orders.add(new InputRecord("orders", partition, orders.size(), ts, bytes(key), bytes(json), List.of(headers)));
    }

    private static String order(long id, long customer, String amount, String product) {
        return "{\"order_id\":" + id + ",\"customer_id\":" + customer + ",\"amount\":" + amount + ",\"product\":\"" + product + "\"}";
    }

    private static ConsumerRecord<byte[], byte[]> out(String key, String value, Header... headers) {
        return new ConsumerRecord<>("t", 0, 0, 0, TimestampType.CREATE_TIME, 0, 0, bytes(key), bytes(value), new RecordHeaders(headers),
                java.util.Optional.empty());
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, bytes(value));
    }

    private static Header[] late(String windowStart, String windowEnd, long byMs) {
        return new Header[] {header("late.reason", "late in its partition of orders"), header("late.window.start", windowStart),
                header("late.window.end", windowEnd), header("late.by.ms", Long.toString(byMs))};
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void highValueOrdersAreStrictlyOver100AndComparedByValue() {
        order(T0, "1", order(1, 7, "100.00", "pen"));
        order(T0, "2", order(2, 7, "100.01", "pen"));
        order(T0, null, order(3, 7, "250", "pen"));
        order(T0, "4", "{\"order_id\":4}");
        Expected expected = Expected.from(orders, customers, RULES);

        assertThat(expected.coverage("bad orders")).isEqualTo(1);
        assertThat(expected.checkHighValueOrders(List.of(
                out("2", "{\"product\":\"pen\",\"amount\":100.010,\"order_id\":2,\"customer_id\":7}"),
                out(null, order(3, 7, "250.0", "pen")))).ok()).isTrue();

        Expected.Result duplicate = expected.checkHighValueOrders(List.of(
                out("2", order(2, 7, "100.01", "pen")), out("2", order(2, 7, "100.01", "pen")), out(null, order(3, 7, "250", "pen"))));
        assertThat(duplicate.duplicates()).isEqualTo(1);
        assertThat(duplicate.ok()).isFalse();

        Expected.Result wrong = expected.checkHighValueOrders(List.of(out("2", order(2, 7, "100.01", "pen")),
                out("3", order(3, 7, "250", "pen")), out("1", order(1, 7, "100.00", "pen"))));
        assertThat(wrong.problems()).anyMatch(p -> p.startsWith("missing")).anyMatch(p -> p.startsWith("unexpected"));
    }

    @Test
    void statsMustCountUpAndStepByEachAmountOnce() {
        order(T0, "1", order(1, 7, "0.10", "pen"));
        order(T0, "2", order(2, 7, "0.20", "pen"));
        Expected expected = Expected.from(orders, customers, RULES);

        assertThat(expected.checkCustomerStats(List.of(
                out("7", "{\"customer_id\":7,\"count\":1,\"total\":0.20}"),
                out("7", "{\"customer_id\":7,\"count\":2,\"total\":0.30}"))).ok()).isTrue();
        assertThat(expected.checkCustomerStats(List.of(
                out("7", "{\"customer_id\":7,\"count\":1,\"total\":0.10}"),
                out("7", "{\"customer_id\":7,\"count\":2,\"total\":0.30000000000000004}"))).ok()).isFalse();
        Expected.Result replayed = expected.checkCustomerStats(List.of(
                out("7", "{\"customer_id\":7,\"count\":1,\"total\":0.10}"),
                out("7", "{\"customer_id\":7,\"count\":2,\"total\":0.30}"),
                out("7", "{\"customer_id\":7,\"count\":3,\"total\":0.50}")));
        assertThat(replayed.duplicates()).isEqualTo(1);
    }

    @Test
    void oneAlertAtTheCrossingOnly() {
        order(T0, "1", order(1, 7, "9999.99", "pen"));
        order(T0, "2", order(2, 7, "0.01", "pen"));
        order(T0, "3", order(3, 7, "0.01", "pen"));
        order(T0, "4", order(4, 8, "10000", "pen"));
        Expected expected = Expected.from(orders, customers, RULES);
        List<ConsumerRecord<byte[], byte[]>> stats = List.of(
                out("7", "{\"customer_id\":7,\"count\":1,\"total\":9999.99}"),
                out("7", "{\"customer_id\":7,\"count\":2,\"total\":10000.00}"),
                out("7", "{\"customer_id\":7,\"count\":3,\"total\":10000.01}"),
                out("8", "{\"customer_id\":8,\"count\":1,\"total\":10000}"));
        assertThat(expected.checkCustomerStats(stats).ok()).isTrue();

        ConsumerRecord<byte[], byte[]> alert = out("7", "{\"customer_id\":7,\"count\":3,\"total\":10000.01,\"threshold\":10000}");
        assertThat(expected.checkCustomerAlerts(List.of(alert), stats).ok()).isTrue();
        assertThat(expected.checkCustomerAlerts(List.of(alert, alert), stats).duplicates()).isEqualTo(1);
        assertThat(expected.checkCustomerAlerts(List.of(), stats).ok()).isFalse();
        assertThat(expected.checkCustomerAlerts(List.of(alert,
                out("8", "{\"customer_id\":8,\"count\":1,\"total\":10000,\"threshold\":10000}")), stats).ok()).isFalse();
    }

    @Test
    void lateIsPerPartitionAndWindowsCloseAtTheLowWatermark() {
        long hour = Duration.ofHours(1).toMillis();
        orderIn(1, T0 + 3 * hour, "10", order(10, 7, "1", "pen")); // partition 1 hours ahead
        orderIn(0, T0, "1", order(1, 7, "1.50", "pen"));
        orderIn(0, T0 + hour - 1, "2", order(2, 7, "2", "pen"));
        orderIn(0, T0 + hour + 1999, "3", order(3, 7, "4", "pen")); // partition 0 at end + 1.999 s
        orderIn(0, T0 + hour - 1000, "4", order(4, 7, "8", "pen")); // within grace: counted
        orderIn(0, T0 + hour + 2000, "5", order(5, 7, "16", "pen")); // partition 0 at end + grace
        String sixth = order(6, 7, "32", "pen");
        orderIn(0, T0 + 1000, "6", sixth, header("trace", "t-6")); // late in partition 0 by 0 ms
        orderIn(2, T0 + 1000, "7", order(7, 7, "64", "pen")); // on time in partition 2
        orderIn(2, T0 + hour + 2000, "8", order(8, 7, "1", "cable")); // partition 2 at end + grace: the low watermark
        Expected expected = Expected.from(orders, customers, RULES);

        assertThat(expected.coverage("late orders (to product-revenue-late)")).isEqualTo(1);
        assertThat(expected.coverage("late orders within grace")).isEqualTo(1);
        assertThat(expected.coverage("orders on time in their partition while another is past their window's end + grace")).isEqualTo(7);
        assertThat(expected.coverage("final windows")).isEqualTo(1);
        assertThat(expected.coverage("windows still open")).isEqualTo(3);
        assertThat(expected.ordersInFinalWindows() + expected.lateOrders() + expected.ordersInOpenWindows()).isEqualTo(9);
        String window = "{\"product\":\"pen\",\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T11:00:00Z\","
                + "\"revenue\":75.50,\"orders\":4}";
        assertThat(expected.checkProductRevenueHourly(List.of(out("pen", window))).ok()).isTrue();
        assertThat(expected.checkProductRevenueHourly(List.of(out("pen", window), out("pen", window))).duplicates()).isEqualTo(1);
        assertThat(expected.checkProductRevenueHourly(List.of(out("pen", window.replace("75.50", "43.50")
                .replace("\"orders\":4", "\"orders\":3")))).ok()).isFalse();

        Header[] lateHeaders = late("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z", 0);
        Header[] withOwn = java.util.stream.Stream.concat(java.util.stream.Stream.of(header("trace", "t-6")),
                java.util.Arrays.stream(lateHeaders)).toArray(Header[]::new);
        ConsumerRecord<byte[], byte[]> lateOrder = out("pen", sixth, withOwn);
        assertThat(expected.checkProductRevenueLate(List.of(lateOrder)).problems()).isEmpty();
        assertThat(expected.checkProductRevenueLate(List.of(lateOrder, lateOrder)).duplicates()).isEqualTo(1);
        assertThat(expected.checkProductRevenueLate(List.of(out("pen", sixth, lateHeaders))).ok()).as("own header lost").isFalse();
        assertThat(expected.checkProductRevenueLate(List.of(out("pen", sixth.replace("32", "32.0"), withOwn))).ok())
                .as("value bytes changed").isFalse();
        Header[] wrongBy = withOwn.clone();
        wrongBy[4] = header("late.by.ms", "1");
        assertThat(expected.checkProductRevenueLate(List.of(out("pen", sixth, wrongBy))).ok()).isFalse();

        assertThat(expected.checkProductRevenueReconciliation(List.of(out("pen", window)), List.of(lateOrder)).problems()).isEmpty();
        assertThat(expected.checkProductRevenueReconciliation(List.of(out("pen", window)), List.of()).ok()).as("late order lost").isFalse();
        assertThat(expected.checkProductRevenueReconciliation(List.of(out("pen", window)), List.of(lateOrder, lateOrder)).ok()).isFalse();
        String lateSum = "{\"product\":\"pen\",\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T11:00:00Z\","
                + "\"revenue\":64,\"orders\":1}";
        String threeOrders = window.replace("75.50", "11.50").replace("\"orders\":4", "\"orders\":3");
        Header[] emitted = {header("late.reason", "window already emitted")};
        assertThat(expected.checkProductRevenueReconciliation(List.of(out("pen", threeOrders)),
                List.of(lateOrder, out("pen", lateSum, emitted))).problems()).as("a late partial sum counts its orders").isEmpty();
    }

    @Test
    void noWindowClosesWhileAPartitionHasNoValidOrder() {
        long hour = Duration.ofHours(1).toMillis();
        orderIn(0, T0, "1", order(1, 7, "1", "pen"));
        orderIn(1, T0 + 5 * hour, "2", order(2, 7, "1", "pen"));
        orderIn(2, T0 + 5 * hour, "3", "not an order"); // bad: partition 2 never reports an event time
        Expected expected = Expected.from(orders, customers, RULES);

        assertThat(expected.coverage("partitions of orders without a valid order (no window closes)")).isEqualTo(1);
        assertThat(expected.coverage("final windows")).isZero();
        assertThat(expected.coverage("windows still open")).isEqualTo(2);
        assertThat(expected.revenueSummary()).contains("2=none").contains("no window closes");
        assertThat(expected.checkProductRevenueHourly(List.of()).ok()).isTrue();
        assertThat(expected.checkProductRevenueReconciliation(List.of(), List.of()).ok()).isTrue();
    }

    @Test
    void badRecordsDoNotMoveEventTime() {
        long hour = Duration.ofHours(1).toMillis();
        orderIn(0, T0 + 5 * hour, "1", "{\"order_id\":1}");
        orderIn(0, T0, "2", order(2, 7, "1", "pen"));
        orderIn(1, T0 + 2 * hour, "3", order(3, 7, "1", "pen"));
        orderIn(2, T0 + 2 * hour, "4", order(4, 7, "1", "pen"));
        orderIn(0, T0 + 2 * hour, "5", order(5, 7, "1", "cable"));
        Expected expected = Expected.from(orders, customers, RULES);

        assertThat(expected.coverage("late orders (to product-revenue-late)")).isZero();
        assertThat(expected.coverage("orders on time only because bad records do not move event time")).isEqualTo(2);
        assertThat(expected.coverage("final windows")).isEqualTo(1);
        assertThat(expected.checkProductRevenueLate(List.of()).ok()).isTrue();
    }

    @Test
    void joinUsesTheCustomerAsOfTheOrdersTime() {
        customers.add(new InputRecord("customers", 0, 0, T0, bytes("7"), bytes("{\"customer_id\":7,\"name\":\"Ada\",\"segment\":\"smb\"}")));
        customers.add(new InputRecord("customers", 0, 1, T0 + 10, bytes("7"), bytes("{\"customer_id\":7,\"name\":\"Ada L\",\"country\":\"GB\"}")));
        customers.add(new InputRecord("customers", 0, 2, T0 + 20, bytes("7"), null));
        customers.add(new InputRecord("customers", 0, 3, T0 + 30, bytes("7"), bytes("{\"customer_id\":7}")));
        order(T0 - 1, "1", order(1, 7, "1", "pen"));
        order(T0 + 10, "2", order(2, 7, "1", "pen"));
        order(T0 + 30, "3", order(3, 7, "1", "pen"));
        Expected expected = Expected.from(orders, customers, RULES);

        String tail = ",\"customer_id\":7,\"amount\":1,\"product\":\"pen\",";
        assertThat(expected.checkCustomerEnrichedOrders(List.of(
                out("7", "{\"order_id\":1" + tail + "\"customer_name\":\"Unknown\",\"customer_segment\":\"Unknown\",\"country\":\"Unknown\"}"),
                out("7", "{\"order_id\":2" + tail + "\"customer_name\":\"Ada L\",\"customer_segment\":\"Unknown\",\"country\":\"GB\"}"),
                out("7", "{\"order_id\":3" + tail + "\"customer_name\":\"Unknown\",\"customer_segment\":\"Unknown\",\"country\":\"Unknown\"}")))
                .problems()).isEmpty();
        assertThat(expected.coverage("bad customers")).isEqualTo(1);
    }

    // ---- the bounds of a valid order and customer (CONTRACT.md, Additions of 2026-12-02) ----

    /** Every hostile order of the end-to-end data set gets the verdict the contract gives it, stamped as the data set says. */
    @Test
    void everyHostileOrderGetsTheContractsVerdict() {
        List<String> wrong = new ArrayList<>();
        for (HostileDataSet.Case c : HostileDataSet.orders()) {
            InputRecord r = new InputRecord("orders", 0, 0, T0 + c.aheadMs(), bytes(c.key()), c.value());
            Expected expected = Expected.from(List.of(r), List.of(), RULES, written -> T0);
            if ((expected.coverage("bad orders") == 0) != c.valid()) {
                wrong.add(c.what() + (c.valid() ? ": rejected" : ": accepted") + " " + c.valueString());
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(HostileDataSet.orders().stream().map(HostileDataSet.Case::what).collect(Collectors.toSet()))
                .hasSameSizeAs(HostileDataSet.orders());
    }

    @Test
    void everyHostileCustomerGetsTheContractsVerdict() {
        List<String> wrong = new ArrayList<>();
        for (HostileDataSet.Case c : HostileDataSet.customers()) {
            InputRecord r = new InputRecord("customers", 0, 0, T0 + c.aheadMs(), bytes(c.key()), c.value());
            Expected expected = Expected.from(List.of(), List.of(r), RULES, written -> T0);
            if ((expected.coverage("bad customers") == 0) != c.valid()) {
                wrong.add(c.what() + (c.valid() ? ": rejected" : ": accepted") + " key " + c.key() + " " + c.valueString());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aTimestampMayBeAtMostTheBoundAheadOfItsWriteTime() {
        long bound = RULES.maxAhead().toMillis();
        assertThat(RULES.maxAhead()).isEqualTo(Duration.ofMinutes(5));
        orderIn(0, T0 + bound, "1", order(1, 7, "1", "pen"));
        orderIn(0, T0 + bound + 1, "2", order(2, 7, "1", "pen"));
        orderIn(1, T0 - Duration.ofDays(3).toMillis(), "3", order(3, 7, "1", "pen"));
        orderIn(2, T0 + bound + 1, "4", "{\"order_id\":4}");
        customers.add(new InputRecord("customers", 0, 0, T0 + bound, bytes("7"), bytes("{\"customer_id\":7,\"name\":\"Ada\"}")));
        customers.add(new InputRecord("customers", 0, 1, T0 + bound + 1, bytes("7"), bytes("{\"customer_id\":7,\"name\":\"Eve\"}")));
        customers.add(new InputRecord("customers", 0, 2, T0 + bound + 1, bytes("8"), null));
        Expected expected = Expected.from(orders, customers, RULES, r -> T0);

        assertThat(expected.coverage("bad orders")).isEqualTo(2);
        assertThat(expected.coverage("valid orders stamped too far ahead of their write time")).isEqualTo(1);
        assertThat(expected.coverage("valid orders stamped ahead of their write time, within the bound")).isEqualTo(1);
        assertThat(expected.coverage("bad customers")).isEqualTo(2);
        assertThat(expected.coverage("customers stamped too far ahead of their write time")).isEqualTo(2);
        assertThat(expected.checkDeadLetters("order-filter", List.of()).expected()).isEqualTo(2);
        assertThat(expected.checkDeadLetters("customer-join", List.of()).expected()).isEqualTo(4);
        // the far-ahead order does not count in its window, nor move its partition's event time
        assertThat(expected.windowTotals(T0).get("pen").orders()).isEqualTo(1);
        assertThat(Expected.from(orders, customers, RULES.withMaxAhead(Duration.ofHours(1)), r -> T0).coverage("bad orders")).isEqualTo(1);
        // without write times, every record is taken as written now: these, stamped in 2026-11, all in time
        assertThat(Expected.from(orders, customers, RULES).coverage("bad orders")).isEqualTo(1);
    }

    @Test
    void theServicesOwnFieldsWinAndAnOutputWithANameTwiceMatchesNothing() {
        order(T0, "1", "{\"order_id\":1,\"customer_id\":7,\"amount\":600,\"product\":\"pen\",\"amount_tier\":\"bogus\","
                + "\"needs_review\":\"no\",\"customer_name\":\"Mallory\",\"country\":\"ZZ\"}");
        Expected expected = Expected.from(orders, customers, RULES);
        assertThat(expected.coverage("valid orders")).isEqualTo(1);

        String enriched = "{\"order_id\":1,\"customer_id\":7,\"amount\":600,\"product\":\"pen\",\"customer_name\":\"Mallory\","
                + "\"country\":\"ZZ\",\"amount_tier\":\"high\",\"needs_review\":true}";
        assertThat(expected.checkEnrichedOrders(List.of(out("1", enriched))).problems()).isEmpty();
        assertThat(expected.checkEnrichedOrders(List.of(out("1", enriched.replace("{", "{\"amount_tier\":\"bogus\","))))
                .ok()).as("amount_tier twice").isFalse();
        assertThat(expected.checkEnrichedOrders(List.of(out("1", enriched.replace("\"needs_review\":true", "\"needs_review\":\"no\""))))
                .ok()).as("the input's value kept").isFalse();

        String joined = "{\"order_id\":1,\"customer_id\":7,\"amount\":600,\"product\":\"pen\",\"amount_tier\":\"bogus\","
                + "\"needs_review\":\"no\",\"customer_name\":\"Unknown\",\"customer_segment\":\"Unknown\",\"country\":\"Unknown\"}";
        assertThat(expected.checkCustomerEnrichedOrders(List.of(out("7", joined))).problems()).isEmpty();
        assertThat(expected.checkCustomerEnrichedOrders(List.of(out("7", joined.replace("{", "{\"country\":\"ZZ\",")))).ok())
                .as("country twice").isFalse();
    }

    @Test
    void amountsAreCountedAsWrittenWithTheExponentApplied() {
        for (String valid : List.of("0", "-0", "149.990", "100.005", "1.5e2", "999999999999999.99999999", "1E-8", "0.10000000", "1e14")) {
            assertThat(Expected.isMoney(new java.math.BigDecimal(valid))).as(valid).isTrue();
        }
        for (String invalid : List.of("-0.01", "1000000000000000", "1e15", "0.000000001", "1.000000000", "10e-9", "1e1000000",
                "1e-1000000", "0.30000000000000004")) {
            assertThat(Expected.isMoney(new java.math.BigDecimal(invalid))).as(invalid).isFalse();
        }
    }

    @Test
    void aNullStatusIsWrittenAsNoStatusWhileAnUnknownNullIsKept() {
        order(T0, "1", "{\"order_id\":1,\"customer_id\":7,\"amount\":1,\"product\":\"pen\",\"status\":null,\"coupon\":null}");
        Expected expected = Expected.from(orders, customers, RULES);
        String enriched = "{\"order_id\":1,\"customer_id\":7,\"amount\":1,\"product\":\"pen\",\"coupon\":null,"
                + "\"amount_tier\":\"standard\",\"needs_review\":false}";
        assertThat(expected.checkEnrichedOrders(List.of(out("1", enriched))).problems()).isEmpty();
        assertThat(expected.checkEnrichedOrders(List.of(out("1", enriched.replace("\"coupon\":null,", "")))).ok())
                .as("unknown null dropped").isFalse();
    }
}
