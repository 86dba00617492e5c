package io.orderpipeline.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming reader of orders beside the databind reader: it reads the plain shapes itself,
 * to the same value, and leaves everything else, every bad order first, to databind.
 */
class OrderReaderTest {

    /** The bad orders that reach the reader: the serde rejects a null value and bytes that are not UTF-8 before it. */
    static List<BadOrders.Bad> badOrders() {
        return BadOrders.cases().stream().filter(bad -> bad.value() != null && JsonSerde.isUtf8(bad.value())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOrders")
    void leavesEveryBadOrderToDatabind(BadOrders.Bad bad) {
        assertThat(OrderReader.read(bad.value())).as(bad.what()).isNull();
    }

    @Test
    void readsEveryValidEdgeAsDatabindDoesOrLeavesItToDatabind() throws IOException {
        int read = 0;
        for (Map.Entry<String, byte[]> valid : ValidOrders.edges().entrySet()) {
            Order streamed = OrderReader.read(valid.getValue());
            if (streamed != null) {
                assertThat(streamed).as(valid.getKey()).isEqualTo(databind(valid.getValue()));
                read++;
            }
        }
        // all but the nested unknown fields, the unknown field named extra (an object) and the whole order in one
        assertThat(read).isGreaterThanOrEqualTo(ValidOrders.edges().size() - 5);
    }

    @Test
    void readsThePlainShapesItself() throws IOException {
        List<String> plain = List.of(
                BadOrders.VALID,
                "{\"order_id\": 7, \"customer_id\": 3, \"amount\": 19.90, \"product\": \"mouse\", \"status\": \"paid\","
                        + " \"channel\": \"web\", \"created_at\": \"2026-12-07T05:00:00.000Z\"}",
                "{\"product\": \"mouse\", \"amount\": 1e2, \"customer_id\": -3, \"order_id\": 0}",
                "{\"order_id\": 1, \"customer_id\": 2, \"amount\": 0, \"product\": \"m\"}",
                "{\"order_id\": 1, \"customer_id\": 2, \"amount\": 5, \"product\": \"m\", \"status\": null, \"qty\": 3,"
                        + " \"big\": 3000000000, \"huge\": " + "9".repeat(30) + ", \"weight\": 1.250, \"ratio\": 2.5e-3, \"gift\": true,"
                        + " \"wrapped\": false, \"note\": null, \"extra\": \"kept\", \"orderId\": 9}");
        for (String json : plain) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            Order streamed = OrderReader.read(bytes);
            assertThat(streamed).as(json).isNotNull().isEqualTo(databind(bytes));
        }
    }

    @Test
    void readsRandomOrdersAsDatabindDoes() throws IOException {
        Random random = new Random(20261207);
        String[] amounts = {"0", "-0", "1", "149.99", "0.00000001", "1e2", "1E+2", "15E-1", "999999999999999.99999999", "-1", "1e-9", "1.5e15"};
        String[] texts = {"\"mouse\"", "\"café\"", "\"gift \\ud83c\\udf81\"", "\"a\\\"b\\\\c\"", "\"\"", "\"  \"", "null", "\"k\\u0000\"", "\"\\ud800\""};
        String[] extras = {"", ", \"qty\": 2", ", \"w\": 1.50", ", \"on\": true", ", \"n\": null", ", \"c\": \"x\"", ", \"l\": [1]", ", \"o\": {}"};
        int read = 0;
        for (int i = 0; i < 5_000; i++) {
            String json = "{\"order_id\": " + random.nextLong() + ", \"customer_id\": " + random.nextInt()
                    + ", \"amount\": " + amounts[random.nextInt(amounts.length)]
                    + ", \"product\": " + texts[random.nextInt(texts.length)]
                    + ", \"status\": " + texts[random.nextInt(texts.length)]
                    + extras[random.nextInt(extras.length)] + extras[random.nextInt(extras.length)] + "}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            Order streamed = OrderReader.read(bytes);
            Order expected = databindOrNull(bytes);
            if (streamed != null) {
                assertThat(streamed).as(json).isEqualTo(expected);
                read++;
            }
        }
        assertThat(read).as("orders read by the streaming reader").isGreaterThan(500);
    }

    private static Order databind(byte[] bytes) throws IOException {
        return Json.MAPPER.readValue(bytes, Order.class);
    }

    private static Order databindOrNull(byte[] bytes) {
        try {
            return databind(bytes);
        } catch (IOException e) {
            return null;
        }
    }
}
