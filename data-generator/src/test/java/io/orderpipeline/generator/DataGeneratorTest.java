package io.orderpipeline.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Customer;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Topics;
import io.orderpipeline.generator.GeneratedRecord.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {

    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    private static final GeneratorOptions OPTIONS = GeneratorOptions.defaults(42).withStartTime(START).withCount(20_000);

    private static List<GeneratedRecord> generate(GeneratorOptions options) {
        return new DataGenerator(options).records().toList();
    }

    private static Order order(GeneratedRecord record) {
        return Topics.ORDERS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static Customer customer(GeneratedRecord record) {
        return Topics.CUSTOMERS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static List<GeneratedRecord> ofKind(List<GeneratedRecord> records, Kind kind) {
        return records.stream().filter(r -> r.kind() == kind).toList();
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        GeneratorOptions options = OPTIONS.withCount(5_000).withBadRatio(0.1).withCustomerUpdates(0.05);
        List<GeneratedRecord> first = generate(options);
        DataGenerator generator = new DataGenerator(options);

        assertThat(generator.records().toList()).isEqualTo(first);
        assertThat(generator.records().toList()).isEqualTo(first);
        assertThat(generate(options.withSeed(43))).isNotEqualTo(first);
    }

    @Test
    void everyCustomerIsWrittenOnceFirstAsAValidCustomer() {
        List<GeneratedRecord> records = generate(OPTIONS.withCount(10));

        List<GeneratedRecord> first = records.subList(0, OPTIONS.customers());
        assertThat(first).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo(Kind.CUSTOMER);
            assertThat(r.topic()).isEqualTo("customers");
            assertThat(r.timestamp()).isEqualTo(START.toEpochMilli() - 1);
            Customer customer = customer(r);
            assertThat(r.key()).isEqualTo(Long.toString(customer.customerId()));
            assertThat(customer.name()).contains(" ");
            assertThat(customer.segment()).isIn("consumer", "small-business", "enterprise");
            assertThat(customer.country()).hasSize(2);
        });
        assertThat(first).extracting(GeneratedRecord::key).doesNotHaveDuplicates()
                .contains("1", Integer.toString(OPTIONS.customers()));
        assertThat(ofKind(records, Kind.CUSTOMER)).hasSize(OPTIONS.customers());
    }

    @Test
    void everyOrderIsValidAndKeyedByItsIdWithTwoDecimalAmounts() {
        List<GeneratedRecord> orders = ofKind(generate(OPTIONS), Kind.ORDER);

        assertThat(orders).hasSize(20_000);
        assertThat(orders).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("orders");
            Order order = order(r);
            assertThat(r.key()).isEqualTo(Long.toString(order.orderId()));
            assertThat(order.customerId()).isBetween(1L, (long) OPTIONS.customers());
            assertThat(order.amount().scale()).isEqualTo(2);
            assertThat(order.amount()).isPositive();
            assertThat(order.status()).isIn("paid", "pending", "shipped");
            assertThat(order.extra()).containsKeys("channel", "created_at");
        });
        assertThat(orders).extracting(GeneratedRecord::key).doesNotHaveDuplicates();
    }

    @Test
    void orderTimestampsFollowTheEventRateFromTheStartTime() {
        DataGenerator generator = new DataGenerator(OPTIONS.withCount(1000).withEventRate(40).withBadRatio(0.2));
        List<GeneratedRecord> slots = generator.records().filter(GeneratedRecord::isOrderSlot).toList();

        for (int i = 0; i < slots.size(); i++) {
            assertThat(slots.get(i).key()).isEqualTo(Integer.toString(i + 1));
            assertThat(slots.get(i).timestamp()).isEqualTo(START.toEpochMilli() + i * 25L);
        }
    }

    @Test
    void badRecordsAreOfEveryKindAndEachFailsTheOrdersSerde() {
        List<GeneratedRecord> records = generate(OPTIONS.withBadRatio(0.1));
        List<GeneratedRecord> bad = ofKind(records, Kind.BAD_ORDER);
        long slots = records.stream().filter(GeneratedRecord::isOrderSlot).count();

        assertThat(slots).isEqualTo(20_000);
        assertThat((double) bad.size() / slots).isCloseTo(0.1, within(0.01));
        assertThat(bad).allSatisfy(r -> assertThatThrownBy(() -> order(r)).isInstanceOf(SerializationException.class));
        assertThat(bad.stream().map(DataGeneratorTest::describe).collect(Collectors.toSet())).containsExactlyInAnyOrder(
                "null value", "not JSON", "not an object: ARRAY", "not an object: NULL", "not an object: STRING", "wrong type", "missing field", "blank product",
                "negative amount");
    }

    private static String describe(GeneratedRecord bad) {
        if (bad.value() == null) {
            return "null value";
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(bad.value());
        } catch (IOException e) {
            return "not JSON";
        }
        if (!json.isObject()) {
            return "not an object: " + json.getNodeType();
        }
        if (!json.has("order_id") || !json.has("customer_id") || !json.has("amount") || !json.has("product")) {
            return "missing field";
        }
        if (!json.get("order_id").isIntegralNumber() || !json.get("customer_id").isIntegralNumber()
                || !json.get("amount").isNumber() || !json.get("product").isTextual()) {
            return "wrong type";
        }
        if (json.get("product").asText().isBlank()) {
            return "blank product";
        }
        return json.get("amount").decimalValue().signum() < 0 ? "negative amount" : "looks valid";
    }

    @Test
    void orderValuesAreAbout150Bytes() {
        double average = ofKind(generate(OPTIONS), Kind.ORDER).stream().mapToInt(r -> r.value().length).average()
                .orElseThrow();

        assertThat(average).isBetween(135.0, 165.0);
    }

    @Test
    void amountsAndPopularityAreRealistic() {
        List<Order> orders = ofKind(generate(OPTIONS), Kind.ORDER).stream().map(DataGeneratorTest::order).toList();
        Map<Long, BigDecimal> totals = new HashMap<>();
        Map<String, Long> perProduct = orders.stream().collect(Collectors.groupingBy(Order::product, Collectors.counting()));
        orders.forEach(o -> totals.merge(o.customerId(), o.amount(), BigDecimal::add));

        long small = orders.stream().filter(o -> o.amount().compareTo(new BigDecimal("300")) <= 0).count();
        assertThat((double) small / orders.size()).isGreaterThan(0.75);
        assertThat(orders).anyMatch(o -> o.amount().compareTo(new BigDecimal("100")) > 0);
        assertThat(orders).anyMatch(o -> o.amount().compareTo(new BigDecimal("500")) > 0);
        assertThat(orders).anyMatch(o -> o.amount().compareTo(new BigDecimal("2000")) > 0);
        assertThat(orders).allMatch(o -> o.amount().compareTo(new BigDecimal("5")) >= 0
                || o.product().endsWith("cable") || o.product().equals("mousepad") || o.product().equals("memory-card"));
        assertThat(totals.values()).anyMatch(total -> total.compareTo(new BigDecimal("10000")) > 0);
        assertThat(perProduct.keySet()).contains("keyboard", "mouse", "monitor", "laptop", "headset")
                .hasSize(OPTIONS.products());
        // skewed: the most popular product and customer get far more than an even share
        assertThat(perProduct.get("keyboard")).isGreaterThan(3L * orders.size() / OPTIONS.products());
        long topCustomer = orders.stream().collect(Collectors.groupingBy(Order::customerId, Collectors.counting()))
                .values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(topCustomer).isGreaterThan(20L * orders.size() / OPTIONS.customers());
    }

    @Test
    void customerUpdatesAreValidOrTombstonesAndNeverShareAMillisecondWithTheirCustomersOrders() {
        // 2000 orders per second of event time: many orders share a millisecond
        List<GeneratedRecord> records = generate(OPTIONS.withEventRate(2000).withCustomerUpdates(0.05));
        List<GeneratedRecord> updates = ofKind(records, Kind.CUSTOMER_UPDATE);
        long events = records.size() - OPTIONS.customers();

        assertThat((double) updates.size() / events).isCloseTo(0.05, within(0.01));
        assertThat(updates).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("customers");
            if (r.value() != null) {
                assertThat(customer(r).customerId()).isEqualTo(Long.parseLong(r.key()));
            }
        });
        assertThat(updates).anyMatch(r -> r.value() == null);
        Set<String> orderedAt = new HashSet<>();
        ofKind(records, Kind.ORDER).forEach(r -> orderedAt.add(order(r).customerId() + "@" + r.timestamp()));
        assertThat(updates).noneMatch(r -> orderedAt.contains(r.key() + "@" + r.timestamp()));
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).timestamp()).isGreaterThanOrEqualTo(records.get(i - 1).timestamp());
        }
    }

    @Test
    void moreProductsThanTheCatalogGetNumberedNames() {
        DataGenerator generator = new DataGenerator(OPTIONS.withProducts(45));

        assertThat(generator.products()).hasSize(45).doesNotHaveDuplicates().contains("keyboard", "keyboard-2");
    }

    @Test
    void anEndlessGeneratorKeepsGoing() {
        assertThat(new DataGenerator(OPTIONS.withCount(-1)).records().limit(50_000).filter(GeneratedRecord::isOrderSlot)
                .count()).isGreaterThan(45_000);
    }
}
