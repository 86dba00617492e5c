package io.orderpipeline.join;

import static io.orderpipeline.common.CustomerEnrichedOrder.UNKNOWN;
import static io.orderpipeline.common.TestDriverSupport.BASE;
import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.header;
import static io.orderpipeline.common.TestDriverSupport.reason;
import static io.orderpipeline.common.TestDriverSupport.sameJson;
import static io.orderpipeline.common.TestDriverSupport.strictJson;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.common.BadCustomers;
import io.orderpipeline.common.BadOrders;
import io.orderpipeline.common.Customer;
import io.orderpipeline.common.CustomerEnrichedOrder;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.common.ValidOrders;
import io.orderpipeline.runtime.TestDrivers;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CustomerJoinTopologyTest {

    private static final String SERVICE = Services.CUSTOMER_JOIN.name();
    private static final Customer ADA = new Customer(42, "Ada Lovelace", "enterprise", "GB");
    private static final Customer ADA_RENAMED = new Customer(42, "Ada King", "strategic", "FR");
    private static final Customer ADA_MOVED = new Customer(42, "Ada King", "strategic", "US");
    /**
     * The driver's wall clock stands at BASE; the tests pipe records up to a day and more after it, so
     * they allow timestamps two days ahead of it ({@link #aCustomerTooFarAheadOfTheClockIsDeadLetteredAndLeavesTheTableAlone}
     * checks the default bound).
     */
    private static final Map<String, String> DAYS_AHEAD = Map.of(Inputs.MAX_AHEAD_PROPERTY, String.valueOf(Duration.ofDays(2).toMillis()));

    private TopologyTestDriver driver;
    private TestInputTopic<String, Order> orders;
    private TestInputTopic<byte[], byte[]> rawOrders;
    private TestInputTopic<String, Customer> customers;
    private TestInputTopic<byte[], byte[]> rawCustomers;
    private TestOutputTopic<String, CustomerEnrichedOrder> enriched;
    private TestOutputTopic<byte[], byte[]> rawEnriched;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private VersionedKeyValueStore<String, Customer> store;

    @BeforeEach
    void setUp() {
        driver = TestDrivers.driver(SERVICE, CustomerJoinTopology.build(), DAYS_AHEAD);
        orders = TestDriverSupport.input(driver, Topics.ORDERS);
        rawOrders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
        customers = TestDriverSupport.input(driver, Topics.CUSTOMERS);
        rawCustomers = TestDriverSupport.rawInput(driver, Topics.CUSTOMERS.name());
        enriched = TestDriverSupport.output(driver, Topics.CUSTOMER_ENRICHED_ORDERS);
        rawEnriched = TestDriverSupport.rawOutput(driver, Topics.CUSTOMER_ENRICHED_ORDERS.name());
        deadLetters = TestDriverSupport.rawOutput(driver, Topics.deadLetter(SERVICE));
        store = driver.getVersionedKeyValueStore(CustomerJoinTopology.STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }

    private void order(long orderId, long customerId, long atSeconds) {
        orders.pipeInput(String.valueOf(orderId), new Order(orderId, customerId, new BigDecimal("149.99"), "keyboard", "paid"), at(atSeconds));
    }

    /** The next output: its order id and the customer's name, segment and country. */
    private org.assertj.core.groups.Tuple next() {
        CustomerEnrichedOrder out = enriched.readValue();
        return tuple(out.orderId(), out.customerName(), out.customerSegment(), out.country());
    }

    @Test
    void joinsAnOrderWithTheCustomerSeenBeforeIt() {
        customers.pipeInput("42", ADA, at(0));
        order(1001, 42, 10);

        TestRecord<String, CustomerEnrichedOrder> out = enriched.readRecord();
        assertThat(out.key()).isEqualTo("42");
        assertThat(out.timestamp()).isEqualTo(at(10).toEpochMilli());
        assertThat(out.value()).isEqualTo(new CustomerEnrichedOrder(1001, 42, new BigDecimal("149.99"), "keyboard", "paid",
                "Ada Lovelace", "enterprise", "GB", Map.of()));
        assertThat(enriched.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aCustomerSeenAtTheOrdersExactTimestampIsJoined() {
        customers.pipeInput("42", ADA, at(10));
        order(1001, 42, 10);
        order(1002, 42, 9);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1002L, UNKNOWN, UNKNOWN, UNKNOWN));
    }

    @Test
    void aCustomerWithoutSegmentOrCountryHasThoseUnknown() {
        rawCustomers.pipeInput(utf8("42"), utf8("{\"customer_id\": 42, \"name\": \"Ada Lovelace\"}"), at(0));
        order(1001, 42, 10);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", UNKNOWN, UNKNOWN));
    }

    @Test
    void ordersBeforeAnUpdateKeepTheOldVersionEvenWhenProcessedAfterIt() {
        customers.pipeInput("42", ADA, at(0));
        customers.pipeInput("42", ADA_RENAMED, at(100));
        // every order below is processed after the update; each gets the version valid at its own timestamp
        order(1001, 42, 50);
        order(1002, 42, 99);
        order(1003, 42, 100);
        order(1004, 42, 150);
        order(1005, 42, 0);
        order(1006, 42, -1);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1002L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1003L, "Ada King", "strategic", "FR"));
        assertThat(next()).isEqualTo(tuple(1004L, "Ada King", "strategic", "FR"));
        assertThat(next()).isEqualTo(tuple(1005L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1006L, UNKNOWN, UNKNOWN, UNKNOWN));
        assertThat(enriched.isEmpty()).isTrue();

        assertThat(store.get("42").value()).isEqualTo(ADA_RENAMED);
        assertThat(store.get("42", at(99).toEpochMilli()).value()).isEqualTo(ADA);
        assertThat(store.get("42", at(-1).toEpochMilli())).isNull();
    }

    @Test
    void anUpdateProcessedAfterALaterOrderDoesNotRewriteThatOrder() {
        customers.pipeInput("42", ADA, at(0));
        order(1001, 42, 50);
        // valid from 30s, so it would have applied to order 1001, but it comes too late: the join emitted already
        customers.pipeInput("42", ADA_RENAMED, at(30));
        order(1002, 42, 40);
        order(1003, 42, 20);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1002L, "Ada King", "strategic", "FR"));
        assertThat(next()).isEqualTo(tuple(1003L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void anOutOfOrderUpdateGoesIntoTheHistoryWithoutReplacingTheNewestVersion() {
        customers.pipeInput("42", ADA, at(0));
        customers.pipeInput("42", ADA_MOVED, at(100));
        customers.pipeInput("42", ADA_RENAMED, at(50));
        order(1001, 42, 60);
        order(1002, 42, 120);
        order(1003, 42, 10);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada King", "strategic", "FR"));
        assertThat(next()).isEqualTo(tuple(1002L, "Ada King", "strategic", "US"));
        assertThat(next()).isEqualTo(tuple(1003L, "Ada Lovelace", "enterprise", "GB"));
        VersionedRecord<Customer> latest = store.get("42");
        assertThat(latest.value()).isEqualTo(ADA_MOVED);
        assertThat(latest.timestamp()).isEqualTo(at(100).toEpochMilli());
    }

    @Test
    void anOrderProcessedBeforeTheCustomersFirstRecordStaysUnknown() {
        // no grace period (see README): the order is joined when it is processed, with what the table holds then
        order(1001, 42, 50);
        customers.pipeInput("42", ADA, at(10));
        order(1002, 42, 50);

        assertThat(next()).isEqualTo(tuple(1001L, UNKNOWN, UNKNOWN, UNKNOWN));
        assertThat(next()).isEqualTo(tuple(1002L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void aTombstoneDeletesFromItsTimestampOnwardAndEarlierOrdersKeepTheOldVersion() {
        customers.pipeInput("42", ADA, at(0));
        customers.pipeInput("42", null, at(100));
        order(1001, 42, 150);
        order(1002, 42, 100);
        order(1003, 42, 99);
        customers.pipeInput("42", ADA_RENAMED, at(200));
        order(1004, 42, 250);
        order(1005, 42, 150);

        assertThat(next()).isEqualTo(tuple(1001L, UNKNOWN, UNKNOWN, UNKNOWN));
        assertThat(next()).isEqualTo(tuple(1002L, UNKNOWN, UNKNOWN, UNKNOWN));
        assertThat(next()).isEqualTo(tuple(1003L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1004L, "Ada King", "strategic", "FR"));
        assertThat(next()).isEqualTo(tuple(1005L, UNKNOWN, UNKNOWN, UNKNOWN));
        assertThat(deadLetters.isEmpty()).isTrue();

        assertThat(store.get("42", at(99).toEpochMilli()).value()).isEqualTo(ADA);
        assertThat(store.get("42", at(150).toEpochMilli())).isNull();
        assertThat(store.get("42").value()).isEqualTo(ADA_RENAMED);
    }

    @Test
    void aTombstoneForACustomerNeverSeenIsNotABadRecord() {
        customers.pipeInput("7", null, at(0));
        order(1001, 7, 10);

        assertThat(next()).isEqualTo(tuple(1001L, UNKNOWN, UNKNOWN, UNKNOWN));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aCustomerNeverSeenIsUnknown() {
        customers.pipeInput("42", ADA, at(0));
        order(1001, 7, 10);

        TestRecord<String, CustomerEnrichedOrder> out = enriched.readRecord();
        assertThat(out.key()).isEqualTo("7");
        assertThat(out.value()).isEqualTo(new CustomerEnrichedOrder(1001, 7, new BigDecimal("149.99"), "keyboard", "paid",
                UNKNOWN, UNKNOWN, UNKNOWN, Map.of()));
        assertThat(store.get("7")).isNull();
    }

    @Test
    void theOutputKeyIsTheCustomerIdWhateverTheOrdersKey() {
        customers.pipeInput("42", ADA, at(0));
        Order order = new Order(1001, 42, new BigDecimal("10"), "mouse", null);
        orders.pipeInput("1001", order, at(10));
        orders.pipeInput((String) null, order, at(11));
        orders.pipeInput("not-an-order-id", order, at(12));

        assertThat(enriched.readRecordsToList()).extracting(TestRecord::key, r -> r.value().customerName())
                .containsExactly(tuple("42", "Ada Lovelace"), tuple("42", "Ada Lovelace"), tuple("42", "Ada Lovelace"));
    }

    @Test
    void keepsTheOrdersFieldsAndExtrasAndAddsTheCustomer() throws Exception {
        customers.pipeInput("42", ADA, at(0));
        String value = "{\"order_id\":1001,\"customer_id\":42,\"amount\":149.990,\"product\":\"keyboard\","
                + "\"status\":\"paid\",\"coupon\":\"WINTER\",\"lines\":[{\"sku\":\"k-1\",\"qty\":2}]}";
        rawOrders.pipeInput(utf8("1001"), utf8(value), at(10));

        TestRecord<byte[], byte[]> out = rawEnriched.readRecord();
        assertThat(new String(out.key())).isEqualTo("42");
        ObjectNode expected = (ObjectNode) Json.MAPPER.readTree(value);
        expected.put("customer_name", "Ada Lovelace").put("customer_segment", "enterprise").put("country", "GB");
        assertThat(Json.MAPPER.readTree(out.value())).isEqualTo(expected);
        assertThat(new String(out.value())).contains("\"amount\":149.990");
        assertThat(rawEnriched.isEmpty()).isTrue();
    }

    @Test
    void everyInvalidCustomerGoesToTheDeadLetterTopicUnchangedAndLeavesTheTableAlone() {
        customers.pipeInput("42", ADA, at(0));
        long customersOffset = 1;
        long orderId = 1000;
        for (Map.Entry<String, byte[]> bad : BadCustomers.all().entrySet()) {
            String what = bad.getKey();
            rawCustomers.pipeInput(utf8("42"), bad.getValue(), at(customersOffset * 10));
            order(++orderId, 42, customersOffset * 10 + 5);

            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertThat(dead.key()).as(what).isEqualTo(utf8("42"));
            assertThat(dead.value()).as(what).isEqualTo(bad.getValue());
            assertThat(header(dead.headers(), "__streams.errors.topic")).as(what).isEqualTo("customers");
            assertThat(header(dead.headers(), "__streams.errors.partition")).as(what).isEqualTo("0");
            assertThat(header(dead.headers(), "__streams.errors.offset")).as(what).isEqualTo(String.valueOf(customersOffset));
            assertThat(header(dead.headers(), "__streams.errors.message")).as(what).isEqualTo(reason(Topics.CUSTOMERS, bad.getValue()));
            assertThat(next()).as(what).isEqualTo(tuple(orderId, "Ada Lovelace", "enterprise", "GB"));

            VersionedRecord<Customer> latest = store.get("42");
            assertThat(latest.value()).as(what).isEqualTo(ADA);
            assertThat(latest.timestamp()).as(what).isEqualTo(at(0).toEpochMilli());
            customersOffset++;
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void everyValidCustomerAtTheEdgesIsJoinedAsItIs() {
        long at = 0;
        for (Map.Entry<String, byte[]> valid : BadCustomers.validEdges().entrySet()) {
            rawCustomers.pipeInput(utf8("42"), valid.getValue(), at(at));
            order(1000 + at, 42, at + 5);
            JsonNode customer = strictJson(valid.getValue());
            JsonNode out = strictJson(rawEnriched.readRecord().value());
            assertThat(out.get("customer_name").asText()).as(valid.getKey()).isEqualTo(customer.get("name").asText());
            assertThat(out.get("customer_segment").asText()).as(valid.getKey())
                    .isEqualTo(customer.path("segment").isTextual() ? customer.get("segment").asText() : UNKNOWN);
            assertThat(deadLetters.isEmpty()).as(valid.getKey()).isTrue();
            at += 10;
        }
    }

    @Test
    void aKeyThatIsNotTheDecimalTextOfALongGoesToTheDeadLetterTopic() {
        customers.pipeInput("42", ADA, at(0));
        long offset = 1;
        for (Map.Entry<String, String> bad : BadCustomers.badKeys().entrySet()) {
            byte[] key = bad.getKey() == null ? null : utf8(bad.getKey());
            rawCustomers.pipeInput(key, utf8("{\"customer_id\": 42, \"name\": \"Mallory\"}"), at(offset));
            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertThat(dead.key()).as(bad.getKey()).isEqualTo(key);
            assertThat(header(dead.headers(), "__streams.errors.message")).as(bad.getKey()).startsWith(bad.getValue());
            offset++;
        }
        order(1001, 42, offset);
        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void everyValidOrderAtTheEdgesGivesStrictJsonWithEachNameOnceAndTheServicesFieldsWin() {
        customers.pipeInput("42", ADA, at(0));
        for (Map.Entry<String, byte[]> valid : ValidOrders.edges().entrySet()) {
            rawOrders.pipeInput(utf8("k"), valid.getValue(), at(10));

            ObjectNode expected = (ObjectNode) strictJson(valid.getValue());
            if (expected.path("status").isNull()) {
                expected.remove("status");
            }
            boolean ada = expected.get("customer_id").longValue() == 42;
            expected.put("customer_name", ada ? "Ada Lovelace" : UNKNOWN)
                    .put("customer_segment", ada ? "enterprise" : UNKNOWN)
                    .put("country", ada ? "GB" : UNKNOWN);
            TestRecord<byte[], byte[]> out = rawEnriched.readRecord();
            assertThat(new String(out.key())).as(valid.getKey()).isEqualTo(expected.get("customer_id").asText());
            JsonNode actual = strictJson(out.value());
            assertThat(sameJson(actual, expected)).as(valid.getKey() + ": " + actual).isTrue();
            assertThat(deadLetters.isEmpty()).as(valid.getKey()).isTrue();
        }
        assertThat(rawEnriched.isEmpty()).isTrue();
    }

    @Test
    void aCustomerWithoutKeyLeavesTheTableAloneAndProcessingGoesOn() {
        customers.pipeInput("42", ADA, at(0));
        rawCustomers.pipeInput(null, utf8("{\"customer_id\": 42, \"name\": \"Ada King\"}"), at(10));
        order(1001, 42, 20);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(store.get("42").value()).isEqualTo(ADA);
    }

    @Test
    void everyBadOrderGoesToTheDeadLetterTopicUnchangedAndTheNextGoodOneStillFlows() {
        customers.pipeInput("42", ADA, at(0));
        long offset = 0;
        for (Map.Entry<String, byte[]> bad : BadOrders.all().entrySet()) {
            String what = bad.getKey();
            byte[] key = utf8("bad-" + offset);
            rawOrders.pipeInput(key, bad.getValue(), at(10));
            order(offset, 42, 10);

            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertDeadLetter(dead, what, key, bad.getValue(), "orders", offset * 2, reason(Topics.ORDERS, bad.getValue()));
            assertThat(next()).as(what).isEqualTo(tuple(offset, "Ada Lovelace", "enterprise", "GB"));
            offset++;
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void ordersOlderThanTheHistoryRetentionBehindTheNewestCustomerRecordAreUnknown() {
        long retention = CustomerJoinTopology.HISTORY_RETENTION.toSeconds();
        assertThat(CustomerJoinTopology.HISTORY_RETENTION).isGreaterThanOrEqualTo(Duration.ofDays(1));
        customers.pipeInput("42", ADA, at(0));
        customers.pipeInput("42", ADA_RENAMED, at(retention + 100));
        order(1001, 42, 100);
        order(1002, 42, 99);

        assertThat(next()).isEqualTo(tuple(1001L, "Ada Lovelace", "enterprise", "GB"));
        assertThat(next()).isEqualTo(tuple(1002L, UNKNOWN, UNKNOWN, UNKNOWN));
    }

    @Test
    void reprocessingTheSameInputGivesTheSameOutput() {
        List<List<String>> first = runScript();
        List<List<String>> second = runScript();

        assertThat(first.get(0)).hasSize(9);
        assertThat(first.get(1)).hasSize(2);
        assertThat(second).isEqualTo(first);
    }

    /** Pipes one mixed input into a fresh driver; returns its outputs and dead letters as key|timestamp|value strings. */
    private static List<List<String>> runScript() {
        try (TopologyTestDriver fresh = TestDrivers.driver(SERVICE, CustomerJoinTopology.build())) {
            TestInputTopic<byte[], byte[]> in = TestDriverSupport.rawInput(fresh, Topics.ORDERS.name());
            TestInputTopic<byte[], byte[]> cust = TestDriverSupport.rawInput(fresh, Topics.CUSTOMERS.name());
            String ada = "{\"customer_id\": 42, \"name\": \"Ada Lovelace\", \"segment\": \"enterprise\", \"country\": \"GB\"}";
            String adaKing = "{\"customer_id\": 42, \"name\": \"Ada King\", \"segment\": \"strategic\", \"country\": \"FR\"}";
            String bob = "{\"customer_id\": 7, \"name\": \"Bob\"}";
            cust.pipeInput(utf8("42"), utf8(ada), at(0));
            in.pipeInput(utf8("1"), utf8(orderJson(1, 42, "10.10")), at(5));
            in.pipeInput(utf8("2"), utf8(orderJson(2, 7, "20.20")), at(6));
            cust.pipeInput(utf8("42"), utf8(adaKing), at(100));
            cust.pipeInput(utf8("7"), utf8(bob), at(50));
            cust.pipeInput(utf8("7"), utf8("{\"customer_id\": 7, \"name\": \"\"}"), at(60));
            in.pipeInput(utf8("3"), utf8(orderJson(3, 42, "30.30")), at(99));
            in.pipeInput(utf8("4"), utf8(orderJson(4, 42, "40.40")), at(100));
            in.pipeInput(utf8("5"), utf8(orderJson(5, 7, "50.50")), at(70));
            in.pipeInput(utf8("bad"), utf8("{\"order_id\": 6}"), at(71));
            cust.pipeInput(utf8("7"), null, at(80));
            in.pipeInput(utf8("7"), utf8(orderJson(7, 7, "70.70")), at(75));
            in.pipeInput(utf8("8"), utf8(orderJson(8, 7, "80.80")), at(80));
            in.pipeInput(null, utf8(orderJson(9, 9, "90.90")), at(1));
            in.pipeInput(utf8("10"), utf8(orderJson(10, 42, "0.10")), at(-5));
            return List.of(dump(TestDriverSupport.rawOutput(fresh, Topics.CUSTOMER_ENRICHED_ORDERS.name())),
                    dump(TestDriverSupport.rawOutput(fresh, Topics.deadLetter(SERVICE))));
        }
    }

    private static String orderJson(long orderId, long customerId, String amount) {
        return "{\"order_id\": " + orderId + ", \"customer_id\": " + customerId + ", \"amount\": " + amount
                + ", \"product\": \"keyboard\", \"gift\": true}";
    }

    private static List<String> dump(TestOutputTopic<byte[], byte[]> topic) {
        List<String> lines = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : topic.readRecordsToList()) {
            lines.add(new String(r.key()) + "|" + r.timestamp() + "|" + new String(r.value()));
        }
        return lines;
    }

    @Test
    void theRepartitionTopicCarriesEachOrderAsItWasRead() {
        String value = TestDriverSupport.unusualOrderJson(1001, 42, "mouse");
        rawOrders.pipeInput(utf8("1001"), utf8(value), at(1));

        TestRecord<byte[], byte[]> repartitioned =
                TestDriverSupport.repartition(driver, SERVICE, CustomerJoinTopology.ORDERS_BY_CUSTOMER).readRecord();
        assertThat(repartitioned.key()).isEqualTo(utf8("42"));
        assertThat(repartitioned.value()).isEqualTo(utf8(value));
        assertThat(enriched.readValue().orderId()).isEqualTo(1001);
    }

    @Test
    void customersAreRepartitionedByIdTombstonesIncluded() {
        customers.pipeInput("42", ADA, at(0));
        customers.pipeInput("42", null, at(10));
        rawCustomers.pipeInput(utf8("43"), utf8("{\"customer_id\": 43, \"name\": \"Grace\", \"extra\": 1}"), at(20));

        List<TestRecord<byte[], byte[]>> repartitioned =
                TestDriverSupport.repartition(driver, SERVICE, CustomerJoinTopology.CUSTOMERS_BY_ID).readRecordsToList();
        assertThat(repartitioned).extracting(r -> new String(r.key()), r -> r.value() == null ? null : new String(r.value()), TestRecord::timestamp)
                .containsExactly(
                        tuple("42", "{\"customer_id\":42,\"name\":\"Ada Lovelace\",\"segment\":\"enterprise\",\"country\":\"GB\"}",
                                at(0).toEpochMilli()),
                        tuple("42", null, at(10).toEpochMilli()),
                        tuple("43", "{\"customer_id\":43,\"name\":\"Grace\"}", at(20).toEpochMilli()));
        assertThat(store.get("42")).isNull();
        assertThat(store.get("42", at(5).toEpochMilli()).value()).isEqualTo(ADA);
        assertThat(store.get("43").value()).isEqualTo(new Customer(43, "Grace", null, null));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void theStreamTimeStoreHoldsTheNewestTimestampPutIntoTheCustomersStore() {
        KeyValueStore<String, Long> streamTime = driver.getKeyValueStore(CustomerJoinTopology.STREAM_TIME_STORE);
        assertThat(streamTime.get(CustomerJoinTopology.STREAM_TIME_KEY)).isNull();
        customers.pipeInput("42", ADA, at(100));
        customers.pipeInput("42", ADA_RENAMED, at(50)); // out of order: the stream time stays
        assertThat(streamTime.get(CustomerJoinTopology.STREAM_TIME_KEY)).isEqualTo(at(100).toEpochMilli());
        customers.pipeInput("43", null, at(200)); // a tombstone moves it like any record
        rawCustomers.pipeInput(utf8("42"), utf8("not a customer"), at(300)); // an invalid record does not
        order(1001, 42, 400); // nor does an order
        assertThat(streamTime.get(CustomerJoinTopology.STREAM_TIME_KEY)).isEqualTo(at(200).toEpochMilli());
        try (var all = streamTime.all()) {
            assertThat(all).toIterable().extracting(kv -> kv.key).containsExactly(CustomerJoinTopology.STREAM_TIME_KEY);
        }
    }

    @Test
    void aCustomerTooFarAheadOfTheClockIsDeadLetteredAndLeavesTheTableAlone() {
        try (TopologyTestDriver strict = TestDrivers.driver(SERVICE, CustomerJoinTopology.build())) {
            TestInputTopic<byte[], byte[]> in = TestDriverSupport.rawInput(strict, Topics.CUSTOMERS.name());
            TestOutputTopic<byte[], byte[]> dead = TestDriverSupport.rawOutput(strict, Topics.deadLetter(SERVICE));
            byte[] ada = utf8("{\"customer_id\": 42, \"name\": \"Ada Lovelace\"}");
            byte[] king = utf8("{\"customer_id\": 42, \"name\": \"Ada King\"}");
            in.pipeInput(utf8("42"), ada, BASE.plus(Inputs.DEFAULT_MAX_AHEAD));
            in.pipeInput(utf8("42"), king, BASE.plus(Inputs.DEFAULT_MAX_AHEAD).plusMillis(1));
            in.pipeInput(utf8("42"), null, BASE.plus(Duration.ofHours(1)));

            assertDeadLetter(dead.readRecord(), "1 ms past the bound", utf8("42"), king, "customers", 1,
                    "Invalid Customer: timestamp 2026-11-24T10:20:00.001Z is 300001 ms ahead of the wall clock");
            assertDeadLetter(dead.readRecord(), "a tombstone an hour ahead", utf8("42"), null, "customers", 2,
                    "Invalid Customer: timestamp 2026-11-24T11:15:00Z is 3600000 ms ahead");
            assertThat(dead.isEmpty()).isTrue();
            VersionedKeyValueStore<String, Customer> table = strict.getVersionedKeyValueStore(CustomerJoinTopology.STORE);
            assertThat(table.get("42").value()).isEqualTo(new Customer(42, "Ada Lovelace", null, null));
            KeyValueStore<String, Long> streamTime = strict.getKeyValueStore(CustomerJoinTopology.STREAM_TIME_STORE);
            assertThat(streamTime.get(CustomerJoinTopology.STREAM_TIME_KEY)).isEqualTo(BASE.plus(Inputs.DEFAULT_MAX_AHEAD).toEpochMilli());
        }
    }

    @Test
    void everyOperatorIsNamedAndTheJoinReadsTheTwoRepartitionTopics() {
        TopologyDescription description = CustomerJoinTopology.build().describe();
        assertThat(description.toString()).doesNotContain("KSTREAM-", "KTABLE-");

        TopologyDescription.Subtopology join = description.subtopologies().stream()
                .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals("join-customer-as-of-order-time")))
                .findFirst().orElseThrow();
        // both sides re-partitioned by customer id with the default partitioner, the two sources of one
        // sub-topology: Kafka Streams co-partitions them, giving both topics one partition count
        Set<String> sourceTopics = join.nodes().stream()
                .filter(n -> n instanceof TopologyDescription.Source)
                .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream())
                .collect(Collectors.toSet());
        assertThat(sourceTopics).containsExactlyInAnyOrder(CustomerJoinTopology.CUSTOMERS_BY_ID + "-repartition",
                CustomerJoinTopology.ORDERS_BY_CUSTOMER + "-repartition");
        assertThat(join.nodes()).filteredOn(n -> n instanceof TopologyDescription.Processor)
                .extracting(n -> n.name() + " " + ((TopologyDescription.Processor) n).stores())
                .containsExactlyInAnyOrder("customers-stream-time [" + CustomerJoinTopology.STREAM_TIME_STORE + "]",
                        "customers-table [" + CustomerJoinTopology.STORE + "]",
                        "join-customer-as-of-order-time [" + CustomerJoinTopology.STORE + "]");
        // customers is read only to be checked and re-partitioned
        TopologyDescription.Subtopology customersIn = description.subtopologies().stream()
                .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals("customers-source")))
                .findFirst().orElseThrow();
        assertThat(customersIn.nodes()).extracting(TopologyDescription.Node::name).containsExactlyInAnyOrder(
                "customers-source", "customers-timestamp-check", "customers-by-id-repartition-filter", "customers-by-id-repartition-sink");
    }
}
