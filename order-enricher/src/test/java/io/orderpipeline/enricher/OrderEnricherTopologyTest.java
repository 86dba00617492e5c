package io.orderpipeline.enricher;

import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.reason;
import static io.orderpipeline.common.TestDriverSupport.sameJson;
import static io.orderpipeline.common.TestDriverSupport.strictJson;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.common.BadOrders;
import io.orderpipeline.common.EnrichedOrder;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.common.ValidOrders;
import io.orderpipeline.runtime.TestDrivers;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderEnricherTopologyTest {

    private TopologyTestDriver driver;
    private TestInputTopic<String, Order> orders;
    private TestInputTopic<byte[], byte[]> rawOrders;
    private TestOutputTopic<String, EnrichedOrder> enriched;
    private TestOutputTopic<byte[], byte[]> rawEnriched;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void setUp() {
        driver = TestDrivers.driver("order-enricher", OrderEnricherTopology.build());
        orders = TestDriverSupport.input(driver, Topics.ORDERS);
        rawOrders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
        enriched = TestDriverSupport.output(driver, Topics.ENRICHED_ORDERS);
        rawEnriched = TestDriverSupport.rawOutput(driver, Topics.ENRICHED_ORDERS.name());
        deadLetters = TestDriverSupport.rawOutput(driver, Topics.deadLetter("order-enricher"));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static Order order(long id, String amount) {
        return new Order(id, 42, new BigDecimal(amount), "keyboard", "paid");
    }

    @Test
    void tiersAndReviewFlagAtTheirEdges() {
        orders.pipeInput("1", order(1, "0"));
        orders.pipeInput("2", order(2, "100"));
        orders.pipeInput("3", order(3, "100.00"));
        orders.pipeInput("4", order(4, "100.01"));
        orders.pipeInput("5", order(5, "500"));
        orders.pipeInput("6", order(6, "500.00"));
        orders.pipeInput("7", order(7, "500.01"));
        orders.pipeInput("8", order(8, "1000000.10"));

        assertThat(enriched.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.amount(), kv -> kv.value.amountTier(), kv -> kv.value.needsReview())
                .containsExactly(
                        tuple("1", new BigDecimal("0"), "standard", false),
                        tuple("2", new BigDecimal("100"), "standard", false),
                        tuple("3", new BigDecimal("100.00"), "standard", false),
                        tuple("4", new BigDecimal("100.01"), "high", false),
                        tuple("5", new BigDecimal("500"), "high", false),
                        tuple("6", new BigDecimal("500.00"), "high", false),
                        tuple("7", new BigDecimal("500.01"), "high", true),
                        tuple("8", new BigDecimal("1000000.10"), "high", true));
    }

    @Test
    void addsTheTwoFieldsAndKeepsKeyExactDecimalsAndUnknownFields() throws Exception {
        String value = "{\"order_id\":1001,\"customer_id\":42,\"amount\":149.990,\"product\":\"keyboard\","
                + "\"status\":\"paid\",\"coupon\":\"WINTER\",\"lines\":[{\"sku\":\"k-1\",\"qty\":2}]}";
        rawOrders.pipeInput(utf8("1001"), utf8(value));

        TestRecord<byte[], byte[]> out = rawEnriched.readRecord();
        assertThat(new String(out.key())).isEqualTo("1001");
        ObjectNode expected = (ObjectNode) Json.MAPPER.readTree(value);
        expected.put("amount_tier", "high");
        expected.put("needs_review", false);
        JsonNode actual = Json.MAPPER.readTree(out.value());
        assertThat(actual).isEqualTo(expected);
        assertThat(new String(out.value())).contains("\"amount\":149.990");
        assertThat(rawEnriched.isEmpty()).isTrue();
    }

    @Test
    void keepsAnAbsentKeyAbsent() {
        orders.pipeInput((String) null, order(7, "25"));
        TestRecord<String, EnrichedOrder> out = enriched.readRecord();
        assertThat(out.key()).isNull();
        assertThat(out.value().amountTier()).isEqualTo("standard");
    }

    @Test
    void everyBadRecordGoesToTheDeadLetterTopicUnchangedAndTheNextGoodOneStillFlows() {
        long offset = 0;
        for (Map.Entry<String, byte[]> bad : BadOrders.all().entrySet()) {
            byte[] key = utf8("bad-" + offset);
            rawOrders.pipeInput(key, bad.getValue());
            orders.pipeInput("good-" + offset, order(offset, "50"));

            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertDeadLetter(dead, bad.getKey(), key, bad.getValue(), "orders", offset * 2, reason(Topics.ORDERS, bad.getValue()));
            TestRecord<String, EnrichedOrder> good = enriched.readRecord();
            assertThat(good.key()).as(bad.getKey()).isEqualTo("good-" + offset);
            assertThat(good.value().amountTier()).as(bad.getKey()).isEqualTo("standard");
            offset++;
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void everyValidOrderAtTheEdgesGivesStrictJsonWithEachNameOnceAndTheServicesFieldsWin() {
        for (Map.Entry<String, byte[]> valid : ValidOrders.edges().entrySet()) {
            rawOrders.pipeInput(utf8("k"), valid.getValue());

            ObjectNode expected = (ObjectNode) strictJson(valid.getValue());
            if (expected.path("status").isNull()) {
                expected.remove("status");
            }
            BigDecimal amount = expected.get("amount").decimalValue();
            expected.put("amount_tier", amount.compareTo(OrderEnricherTopology.HIGH_TIER_THRESHOLD) > 0 ? "high" : "standard");
            expected.put("needs_review", amount.compareTo(OrderEnricherTopology.REVIEW_THRESHOLD) > 0);
            JsonNode actual = strictJson(rawEnriched.readRecord().value());
            assertThat(sameJson(actual, expected)).as(valid.getKey() + ": " + actual).isTrue();
            assertThat(rawEnriched.isEmpty()).as(valid.getKey()).isTrue();
            assertThat(deadLetters.isEmpty()).as(valid.getKey()).isTrue();
        }
    }
}
