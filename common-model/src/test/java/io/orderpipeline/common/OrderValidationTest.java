package io.orderpipeline.common;

import static io.orderpipeline.common.TestDriverSupport.sameJson;
import static io.orderpipeline.common.TestDriverSupport.strictJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The one validation every service reads {@code orders} and {@code customers} with (the records,
 * {@link Json}, {@link JsonSerde}, {@link Validation}), at every edge: each bad value is rejected by
 * both order serdes with its reason; each valid one is read, and every output made from it is valid
 * JSON (a strict parser of the test's own, duplicate names rejected) with the input's values.
 */
class OrderValidationTest {

    static List<BadOrders.Bad> badOrders() {
        return BadOrders.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOrders")
    void everyBadOrderIsRejectedWithItsReasonByBothOrderSerdes(BadOrders.Bad bad) {
        for (Topic<String, ?> orders : List.of(Topics.ORDERS, Topics.ORDERS_AS_READ)) {
            assertThatThrownBy(() -> orders.valueSerde().deserializer().deserialize("orders", bad.value()))
                    .as(bad.what())
                    .isInstanceOf(SerializationException.class)
                    .hasMessageStartingWith("Invalid Order: ")
                    .hasMessageContaining(bad.reason())
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void ourOwnReasonsAreExact() {
        Map<String, String> exact = Map.of(
                "amount with a huge exponent", "Invalid Order: amount has more than 15 digits before the decimal point",
                "amount 1e-9", "Invalid Order: amount has more than 8 decimal places",
                "negative amount", "Invalid Order: amount is negative: -0.01",
                "missing amount", "Invalid Order: amount is missing",
                "blank product", "Invalid Order: product is missing or blank",
                "product longer than 200 characters", "Invalid Order: product is longer than 200 characters",
                "product with NUL", "Invalid Order: product contains a control character",
                "product with an unpaired high surrogate", "Invalid Order: product contains an unpaired surrogate (not Unicode text)",
                "status longer than 200 characters", "Invalid Order: status is longer than 200 characters",
                "an unknown field with a number that has no end written out",
                "Invalid Order: unknown field 'weight' holds a number of more than 1000 digits written out in full");
        Map<String, byte[]> bad = BadOrders.all();
        exact.forEach((what, reason) -> assertThat(TestDriverSupport.reason(Topics.ORDERS, bad.get(what))).as(what).isEqualTo(reason));
    }

    static List<Map.Entry<String, byte[]>> validOrders() {
        return List.copyOf(ValidOrders.edges().entrySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validOrders")
    void everyValidOrderIsReadAndEveryOutputOfItIsStrictJsonWithTheInputsValues(Map.Entry<String, byte[]> valid) {
        byte[] value = valid.getValue();
        JsonNode input = strictJson(value);
        Parsed<Order> parsed = Topics.ORDERS_AS_READ.valueSerde().deserializer().deserialize("orders", value);
        Order order = parsed.value();
        assertThat(parsed.bytes()).isSameAs(value);
        assertThat(order.amount()).isEqualByComparingTo(input.get("amount").decimalValue());

        // each output: the input's fields with the same values, then the service's own fields, which
        // replace an unknown field of the same name (ObjectNode.put)
        ObjectNode expected = withoutNulls(input);
        assertSame(valid.getKey(), write(Topics.ORDERS, order), expected);

        ObjectNode enriched = expected.deepCopy().put("amount_tier", "high").put("needs_review", true);
        assertSame(valid.getKey(), write(Topics.ENRICHED_ORDERS, EnrichedOrder.of(order, "high", true)), enriched);

        ObjectNode joined = expected.deepCopy().put("customer_name", "Ada").put("customer_segment", "enterprise").put("country", "GB");
        assertSame(valid.getKey(), write(Topics.CUSTOMER_ENRICHED_ORDERS,
                CustomerEnrichedOrder.of(order, new Customer(42, "Ada", "enterprise", "GB"))), joined);
    }

    @Test
    void theServicesOwnFieldsWinOverUnknownFieldsOfTheSameName() {
        Order order = read(ValidOrders.edges().get("unknown fields named like the services' own fields"));
        assertThat(order.extra()).containsKeys("amount_tier", "needs_review", "customer_name", "customer_segment", "country");

        JsonNode enriched = strictJson(write(Topics.ENRICHED_ORDERS, EnrichedOrder.of(order, "standard", false)));
        assertThat(enriched.get("amount_tier").asText()).isEqualTo("standard");
        assertThat(enriched.get("needs_review").asBoolean()).isFalse();
        assertThat(enriched.get("customer_name").asText()).isEqualTo("Mallory");

        JsonNode joined = strictJson(write(Topics.CUSTOMER_ENRICHED_ORDERS, CustomerEnrichedOrder.of(order, null)));
        assertThat(joined.get("customer_name").asText()).isEqualTo("Unknown");
        assertThat(joined.get("customer_segment").asText()).isEqualTo("Unknown");
        assertThat(joined.get("country").asText()).isEqualTo("Unknown");
        assertThat(joined.get("amount_tier").asText()).isEqualTo("platinum");

        // built by hand with such fields, the records drop them too
        Map<String, Object> clash = Map.of("amount", "1", "amount_tier", "x", "country", "XX", "kept", 1);
        assertThat(new Order(1, 2, BigDecimal.ONE, "p", null, clash).extra()).isEqualTo(Map.of("amount_tier", "x", "country", "XX", "kept", 1));
        assertThat(EnrichedOrder.of(new Order(1, 2, BigDecimal.ONE, "p", null, clash), "high", true).extra())
                .isEqualTo(Map.of("country", "XX", "kept", 1));
        assertThat(CustomerEnrichedOrder.of(new Order(1, 2, BigDecimal.ONE, "p", null, clash), null).extra())
                .isEqualTo(Map.of("amount_tier", "x", "kept", 1));
    }

    @Test
    void anUnknownFieldNamedExtraOrHoldingNullIsKept() {
        assertThat(read(ValidOrders.edges().get("an unknown field named extra")).extra())
                .isEqualTo(Map.of("extra", Map.of("gift_wrap", true)));
        Order withNull = read(ValidOrders.edges().get("unknown fields of every JSON type"));
        assertThat(withNull.extra()).containsEntry("note", null);
        assertThat(strictJson(write(Topics.ORDERS, withNull)).get("note").isNull()).isTrue();
    }

    @Test
    void theBoundsKeepEveryRealisticAmountExact() {
        for (String amount : new String[] {"149.99", "149.990", "100.005", "0", "0.10", "1.5e2", "999999999999999.99999999"}) {
            Order order = read(("{\"order_id\": 1, \"customer_id\": 2, \"amount\": " + amount + ", \"product\": \"p\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(order.amount()).as(amount).isEqualTo(new BigDecimal(amount));
        }
        assertThat(read(ValidOrders.edges().get("amount -0")).amount()).isEqualTo(BigDecimal.ZERO);
        // written plain, never with an exponent
        assertThat(new String(write(Topics.ORDERS, read(ValidOrders.edges().get("amount with an exponent"))), StandardCharsets.UTF_8))
                .contains("\"amount\":150,");
        assertThat(new String(write(Topics.ORDERS, read(ValidOrders.edges().get("amount of the smallest unit, 1e-8"))), StandardCharsets.UTF_8))
                .contains("\"amount\":0.00000001,");
    }

    @Test
    void theRecordsRejectWhatTheSerdeRejects() {
        assertThatThrownBy(() -> new Order(1, 2, new BigDecimal("1e20"), "p", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("amount has more than 15 digits before the decimal point");
        assertThatThrownBy(() -> new Order(1, 2, BigDecimal.ONE, "a\u0000b", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("product contains a control character");
        assertThatThrownBy(() -> new Customer(1, "x".repeat(201), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name is longer than 200 characters");
    }

    @Test
    void textIsCheckedCharByCharWithSurrogatePairsAsOneCodePoint() {
        assertThat(new Order(1, 2, BigDecimal.ONE, "cup \ud83d\ude00 \u00e9", "paid \ud83d\ude00").product()).isEqualTo("cup \ud83d\ude00 \u00e9");
        for (String unpaired : new String[] {"a\ud83d", "\ude00\ud83d", "\ud83d\ud83d\ude00", "\ud83d\ude00\ude00"}) {
            assertThatThrownBy(() -> new Order(1, 2, BigDecimal.ONE, unpaired, null)).as(unpaired)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("product contains an unpaired surrogate (not Unicode text)");
        }
        for (String control : new String[] {"\u007f", "a\u0085", "\u009f"}) {
            assertThatThrownBy(() -> new Order(1, 2, BigDecimal.ONE, control, null)).as(control)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("product contains a control character");
        }
    }

    // ---- customers ----

    static List<BadOrders.Bad> badCustomers() {
        return BadCustomers.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCustomers")
    void everyBadCustomerIsRejectedWithItsReason(BadOrders.Bad bad) {
        assertThatThrownBy(() -> Topics.CUSTOMERS.valueSerde().deserializer().deserialize("customers", bad.value()))
                .as(bad.what())
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Invalid Customer: ")
                .hasMessageContaining(bad.reason())
                .hasMessageNotContaining("\n");
    }

    @Test
    void everyValidCustomerIsReadAndATombstoneIsNull() {
        Deserializer<Customer> customers = Topics.CUSTOMERS.valueSerde().deserializer();
        BadCustomers.validEdges().forEach((what, value) -> {
            Customer customer = customers.deserialize("customers", value);
            assertThat(customer.name()).as(what).isEqualTo(strictJson(value).get("name").asText());
        });
        assertThat(customers.deserialize("customers", null)).isNull();
    }

    @Test
    void aCustomerKeyIsTheDecimalTextOfALong() {
        Deserializer<String> keys = Topics.CUSTOMERS.keySerde().deserializer();
        for (String key : new String[] {"42", "-42", "0", "9223372036854775807", "-9223372036854775808"}) {
            assertThat(keys.deserialize("customers", key.getBytes(StandardCharsets.UTF_8))).isEqualTo(key);
        }
        BadCustomers.badKeys().forEach((key, reason) ->
                assertThatThrownBy(() -> keys.deserialize("customers", key == null ? null : key.getBytes(StandardCharsets.UTF_8)))
                        .as(String.valueOf(key)).isInstanceOf(SerializationException.class).hasMessageStartingWith(reason));
    }

    // ----

    private static Order read(byte[] value) {
        return Topics.ORDERS.valueSerde().deserializer().deserialize("orders", value);
    }

    @SuppressWarnings("unchecked")
    private static <T> byte[] write(Topic<String, T> topic, Object value) {
        return topic.valueSerde().serializer().serialize(topic.name(), (T) value);
    }

    /** {@code output} is strict JSON and the same as {@code expected}, numbers by value. */
    private static void assertSame(String what, byte[] output, JsonNode expected) {
        JsonNode actual = strictJson(output);
        assertThat(sameJson(actual, expected)).as(what + ": " + actual + " vs " + expected).isTrue();
    }

    /** The input as the records write it: a null {@code status} is left out (an absent field). */
    private static ObjectNode withoutNulls(JsonNode input) {
        ObjectNode copy = input.deepCopy();
        if (copy.has("status") && copy.get("status").isNull()) {
            copy.remove("status");
        }
        return copy;
    }
}
