package io.orderpipeline.filter;

import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.reason;
import static io.orderpipeline.common.TestDriverSupport.strictJson;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.BadOrders;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Parsed;
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

class OrderFilterTopologyTest {

    private TopologyTestDriver driver;
    private TestInputTopic<String, Order> orders;
    private TestInputTopic<byte[], byte[]> rawOrders;
    private TestOutputTopic<String, Parsed<Order>> highValue;
    private TestOutputTopic<byte[], byte[]> rawHighValue;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void setUp() {
        driver = TestDrivers.driver("order-filter", OrderFilterTopology.build());
        orders = TestDriverSupport.input(driver, Topics.ORDERS);
        rawOrders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
        highValue = TestDriverSupport.output(driver, Topics.HIGH_VALUE_ORDERS);
        rawHighValue = TestDriverSupport.rawOutput(driver, Topics.HIGH_VALUE_ORDERS.name());
        deadLetters = TestDriverSupport.rawOutput(driver, Topics.deadLetter("order-filter"));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static Order order(long id, String amount) {
        return new Order(id, 42, new BigDecimal(amount), "keyboard", "paid");
    }

    @Test
    void passesOnlyOrdersStrictlyOver100() {
        orders.pipeInput("1", order(1, "100"));
        orders.pipeInput("2", order(2, "100.01"));
        orders.pipeInput("3", order(3, "99.99"));
        orders.pipeInput("4", order(4, "0"));
        orders.pipeInput("5", order(5, "100.00"));
        orders.pipeInput("6", order(6, "1000000.10"));

        assertThat(highValue.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.value().amount())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("2", new BigDecimal("100.01")),
                        org.assertj.core.groups.Tuple.tuple("6", new BigDecimal("1000000.10")));
    }

    @Test
    void keepsKeyAndValueBytesExactlyAsRead() {
        // spacing, field order, unknown fields, the decimal's trailing zero: every byte as it came in
        String value = "{ \"status\":\"paid\", \"amount\": 149.990,\"order_id\":1001,\"customer_id\":42,\"product\":\"keyboard\","
                + "\"coupon\":\"WINTER\",\"lines\":[{\"sku\":\"k-1\",\"qty\":2}] }";
        rawOrders.pipeInput(utf8("1001"), utf8(value));

        TestRecord<byte[], byte[]> out = rawHighValue.readRecord();
        assertThat(out.key()).isEqualTo(utf8("1001"));
        assertThat(out.value()).isEqualTo(utf8(value));
        assertThat(rawHighValue.isEmpty()).isTrue();
    }

    @Test
    void keepsAnAbsentKeyAbsent() {
        orders.pipeInput((String) null, order(7, "250"));
        assertThat(highValue.readRecord().key()).isNull();
    }

    @Test
    void everyBadRecordGoesToTheDeadLetterTopicUnchangedAndTheNextGoodOneStillFlows() {
        long offset = 0;
        for (Map.Entry<String, byte[]> bad : BadOrders.all().entrySet()) {
            byte[] key = utf8("bad-" + offset);
            rawOrders.pipeInput(key, bad.getValue());
            orders.pipeInput("good-" + offset, order(offset, "150"));

            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            assertDeadLetter(dead, bad.getKey(), key, bad.getValue(), "orders", offset * 2, reason(Topics.ORDERS, bad.getValue()));
            assertThat(highValue.readRecord().key()).as(bad.getKey()).isEqualTo("good-" + offset);
            offset++;
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(highValue.isEmpty()).isTrue();
    }

    @Test
    void everyValidOrderAtTheEdgesIsAcceptedAndPassedOnByteForByteWhenOver100() {
        for (Map.Entry<String, byte[]> valid : ValidOrders.edges().entrySet()) {
            rawOrders.pipeInput(utf8("k"), valid.getValue());
            boolean high = strictJson(valid.getValue()).get("amount").decimalValue().compareTo(OrderFilterTopology.THRESHOLD) > 0;
            if (high) {
                assertThat(rawHighValue.readRecord().value()).as(valid.getKey()).isEqualTo(valid.getValue());
            }
            assertThat(rawHighValue.isEmpty()).as(valid.getKey()).isTrue();
            assertThat(deadLetters.isEmpty()).as(valid.getKey()).isTrue();
        }
    }
}
