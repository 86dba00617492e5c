package io.orderpipeline.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    private static String json(Serde<?> serde, Object value) {
        @SuppressWarnings("unchecked")
        Serde<Object> s = (Serde<Object>) serde;
        return new String(s.serializer().serialize("t", value), StandardCharsets.UTF_8);
    }

    @Test
    void readsTheContractsOrderExample() {
        Order order = Topics.ORDERS.valueSerde().deserializer().deserialize("orders", utf8(
                "{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\", \"status\": \"paid\"}"));
        assertThat(order).isEqualTo(new Order(1001, 42, new BigDecimal("149.99"), "keyboard", "paid"));
    }

    @Test
    void statusIsOptionalAndStaysAbsent() {
        Order order = Topics.ORDERS.valueSerde().deserializer().deserialize("orders",
                utf8("{\"order_id\": 1, \"customer_id\": 2, \"amount\": 0, \"product\": \"mouse\"}"));
        assertThat(order.status()).isNull();
        assertThat(json(Topics.ORDERS.valueSerde(), order)).doesNotContain("status");
    }

    @Test
    void keepsUnknownFieldsAndDecimalsExactly() throws Exception {
        String value = "{\"order_id\":7,\"customer_id\":8,\"amount\":0.10,\"product\":\"cable\",\"coupon\":\"X\",\"qty\":3,\"weight\":1.25}";
        Order order = Topics.ORDERS.valueSerde().deserializer().deserialize("orders", utf8(value));
        assertThat(order.amount()).isEqualTo(new BigDecimal("0.10"));
        assertThat(order.extra()).containsEntry("coupon", "X").containsKey("qty").containsKey("weight");
        JsonNode written = Json.MAPPER.readTree(json(Topics.ORDERS.valueSerde(), order));
        assertThat(written).isEqualTo(Json.MAPPER.readTree(value));
    }

    @Test
    void sumsNeverShowBinaryFloatingPointDrift() {
        CustomerStats stats = CustomerStats.empty(42)
                .add(new BigDecimal("0.10"))
                .add(new BigDecimal("0.20"));
        assertThat(json(Topics.CUSTOMER_STATS.valueSerde(), stats))
                .isEqualTo("{\"customer_id\":42,\"count\":2,\"total\":0.30}");
    }

    @Test
    void writesInstantsAsIsoStringsAndLargeDecimalsPlain() {
        ProductRevenue revenue = new ProductRevenue("keyboard", Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-11-24T11:00:00Z"), new BigDecimal("1E+3"), 9);
        assertThat(json(Topics.PRODUCT_REVENUE_HOURLY.valueSerde(), revenue)).isEqualTo(
                "{\"product\":\"keyboard\",\"window_start\":\"2026-11-24T10:00:00Z\","
                        + "\"window_end\":\"2026-11-24T11:00:00Z\",\"revenue\":1000,\"orders\":9}");
    }

    @Test
    void roundTripsEveryRecord() {
        Order order = new Order(1001, 42, new BigDecimal("149.99"), "keyboard", "paid", Map.of("coupon", "X"));
        Customer customer = new Customer(42, "Ada Lovelace", "enterprise", "GB");
        assertThat(roundTrip(Topics.ORDERS.valueSerde(), order)).isEqualTo(order);
        assertThat(roundTrip(Topics.CUSTOMERS.valueSerde(), customer)).isEqualTo(customer);
        EnrichedOrder enriched = EnrichedOrder.of(order, EnrichedOrder.HIGH, false);
        assertThat(roundTrip(Topics.ENRICHED_ORDERS.valueSerde(), enriched)).isEqualTo(enriched);
        CustomerStats stats = new CustomerStats(42, 3, new BigDecimal("1234.50"));
        assertThat(roundTrip(Topics.CUSTOMER_STATS.valueSerde(), stats)).isEqualTo(stats);
        CustomerAlert alert = CustomerAlert.of(new CustomerStats(42, 17, new BigDecimal("10020.00")), new BigDecimal("10000"));
        assertThat(roundTrip(Topics.CUSTOMER_ALERTS.valueSerde(), alert)).isEqualTo(alert);
        ProductRevenue revenue = new ProductRevenue("keyboard", Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-11-24T11:00:00Z"), new BigDecimal("1234.50"), 9);
        assertThat(roundTrip(Topics.PRODUCT_REVENUE_HOURLY.valueSerde(), revenue)).isEqualTo(revenue);
        CustomerEnrichedOrder joined = CustomerEnrichedOrder.of(order, customer);
        assertThat(roundTrip(Topics.CUSTOMER_ENRICHED_ORDERS.valueSerde(), joined)).isEqualTo(joined);
    }

    @Test
    void aParsedOrderIsWrittenAsTheBytesItWasReadFrom() {
        byte[] value = utf8("{ \"amount\": 149.990, \"order_id\": 1001, \"customer_id\": 42, \"product\": \"keyboard\", \"x\": [1] }");
        Parsed<Order> parsed = Topics.ORDERS_AS_READ.valueSerde().deserializer().deserialize("orders", value);
        assertThat(parsed.value()).isEqualTo(new Order(1001, 42, new BigDecimal("149.990"), "keyboard", null, Map.of("x", List.of(1))));
        assertThat(Topics.HIGH_VALUE_ORDERS.valueSerde().serializer().serialize("high-value-orders", parsed)).isSameAs(value);
        assertThat(roundTrip(Topics.HIGH_VALUE_ORDERS.valueSerde(), parsed)).isEqualTo(parsed);
    }

    @Test
    void writesTheContractsEnrichedAndJoinedShapes() throws Exception {
        Order order = new Order(1001, 42, new BigDecimal("149.99"), "keyboard", "paid");
        assertThat(Json.MAPPER.readTree(json(Topics.ENRICHED_ORDERS.valueSerde(), EnrichedOrder.of(order, "high", false))))
                .isEqualTo(Json.MAPPER.readTree("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, "
                        + "\"product\": \"keyboard\", \"status\": \"paid\", \"amount_tier\": \"high\", \"needs_review\": false}"));
        assertThat(Json.MAPPER.readTree(json(Topics.CUSTOMER_ENRICHED_ORDERS.valueSerde(), CustomerEnrichedOrder.of(order, null))))
                .isEqualTo(Json.MAPPER.readTree("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, "
                        + "\"product\": \"keyboard\", \"status\": \"paid\", \"customer_name\": \"Unknown\", "
                        + "\"customer_segment\": \"Unknown\", \"country\": \"Unknown\"}"));
    }

    @Test
    void serializesNullAsNull() {
        assertThat(Topics.CUSTOMERS.valueSerde().serializer().serialize("customers", null)).isNull();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
