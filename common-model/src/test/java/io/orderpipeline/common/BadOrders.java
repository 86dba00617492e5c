package io.orderpipeline.common;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every kind of bad {@code orders} value the contract names, by description. Shared by the services' tests. */
public final class BadOrders {

    private BadOrders() {
    }

    public static Map<String, byte[]> all() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not JSON", utf8("order 1001: 149.99 for a keyboard"));
        bad.put("truncated JSON", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 14"));
        bad.put("not an object (array)", utf8("[1001, 42, 149.99, \"keyboard\"]"));
        bad.put("not an object (string)", utf8("\"keyboard\""));
        bad.put("not an object (number)", utf8("149.99"));
        bad.put("JSON null", utf8("null"));
        bad.put("order_id a string", order("\"1001\"", "42", "149.99", "\"keyboard\""));
        bad.put("order_id a fraction", order("1001.5", "42", "149.99", "\"keyboard\""));
        bad.put("customer_id a string", order("1001", "\"42\"", "149.99", "\"keyboard\""));
        bad.put("customer_id a boolean", order("1001", "true", "149.99", "\"keyboard\""));
        bad.put("amount a string", order("1001", "42", "\"149.99\"", "\"keyboard\""));
        bad.put("amount null", order("1001", "42", "null", "\"keyboard\""));
        bad.put("product a number", order("1001", "42", "149.99", "7"));
        bad.put("product an object", order("1001", "42", "149.99", "{\"name\": \"keyboard\"}"));
        bad.put("missing order_id", utf8("{\"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\"}"));
        bad.put("missing customer_id", utf8("{\"order_id\": 1001, \"amount\": 149.99, \"product\": \"keyboard\"}"));
        bad.put("missing amount", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"product\": \"keyboard\"}"));
        bad.put("missing product", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99}"));
        bad.put("blank product", order("1001", "42", "149.99", "\"   \""));
        bad.put("negative amount", order("1001", "42", "-0.01", "\"keyboard\""));
        bad.put("null value", null);
        return bad;
    }

    private static byte[] order(String orderId, String customerId, String amount, String product) {
        return utf8("{\"order_id\": " + orderId + ", \"customer_id\": " + customerId + ", \"amount\": " + amount
                + ", \"product\": " + product + ", \"status\": \"paid\"}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
