package io.orderpipeline.common;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Valid {@code orders} values at every edge of the rules, by description: every service must accept
 * each of them, and write every output of it as valid JSON with each name once. Shared by the
 * services' tests; {@code OrderValidationTest} checks them in common-model.
 */
public final class ValidOrders {

    private ValidOrders() {
    }

    public static Map<String, byte[]> edges() {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        // amounts
        valid.put("amount 149.99", amount("149.99"));
        valid.put("amount with a trailing zero", amount("149.990"));
        valid.put("amount with 3 decimal places", amount("100.005"));
        valid.put("amount 0", amount("0"));
        valid.put("amount -0", amount("-0"));
        valid.put("amount -0.00", amount("-0.00"));
        valid.put("amount with an exponent", amount("1.5e2"));
        valid.put("amount with a capital exponent and a sign", amount("1E+2"));
        valid.put("amount with a negative exponent", amount("15E-1"));
        valid.put("amount zero with an exponent", amount("0e5"));
        valid.put("amount of the smallest unit, 1e-8", amount("1e-8"));
        valid.put("amount with 8 decimal places", amount("0.00000001"));
        valid.put("amount with 15 digits and 8 decimal places", amount("999999999999999.99999999"));
        valid.put("amount 1e14 (15 digits)", amount("1e14"));
        valid.put("amount an integer past int", amount("3000000000"));
        // integers
        valid.put("order_id and customer_id the largest long", order("9223372036854775807", "9223372036854775807", "1", "\"mouse\""));
        valid.put("order_id and customer_id the smallest long", order("-9223372036854775808", "-9223372036854775808", "1", "\"mouse\""));
        valid.put("order_id -0", order("-0", "42", "1", "\"mouse\""));
        // text
        valid.put("product of 200 characters", order("1001", "42", "1", "\"" + "k".repeat(Validation.MAX_TEXT_LENGTH) + "\""));
        valid.put("product with non-ASCII letters", order("1001", "42", "1", "\"café crème\""));
        valid.put("product with an emoji (a surrogate pair, escaped)", order("1001", "42", "1", "\"gift \\ud83c\\udf81\""));
        valid.put("product with an emoji (raw UTF-8)", order("1001", "42", "1", "\"gift \uD83C\uDF81\""));
        valid.put("product with slashes, quotes and backslashes", order("1001", "42", "1", "\"usb-c/hub \\\"2m\\\" \\\\ 4k\""));
        valid.put("product with spaces around", order("1001", "42", "1", "\" mouse \""));
        valid.put("status absent", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 1, \"product\": \"mouse\"}"));
        valid.put("status null", withStatus("null"));
        valid.put("status empty", withStatus("\"\""));
        valid.put("status of 200 characters", withStatus("\"" + "p".repeat(Validation.MAX_TEXT_LENGTH) + "\""));
        valid.put("status with control characters (kept, escaped)", withStatus("\"paid\\u0007\\nthen refunded\\t\""));
        // layout
        valid.put("fields in another order with whitespace", utf8(" {\n\t\"status\": \"paid\" ,\"product\":\"mouse\",\r\n \"amount\" : 1 ,"
                + "\"customer_id\":42, \"order_id\":1001 } \n"));
        // unknown fields
        valid.put("unknown fields of every JSON type", withExtra("\"coupon\": \"WINTER\", \"qty\": 3, \"weight\": 1.250, \"gift\": true,"
                + " \"note\": null, \"lines\": [{\"sku\": \"k-1\", \"qty\": 2}], \"meta\": {}"));
        valid.put("unknown fields named like the services' own fields", withExtra("\"amount_tier\": \"platinum\", \"needs_review\": \"maybe\","
                + " \"customer_name\": \"Mallory\", \"customer_segment\": 7, \"country\": {\"code\": \"XX\"}"));
        valid.put("an unknown field named extra", withExtra("\"extra\": {\"gift_wrap\": true}"));
        valid.put("unknown field names in camelCase", withExtra("\"orderId\": 7, \"amountTier\": \"x\""));
        valid.put("unknown field nested to the maximum depth", withExtra("\"x\": " + "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1)));
        valid.put("unknown field with a number of 1000 digits", withExtra("\"big\": " + "9".repeat(Json.MAX_NUMBER_DIGITS)));
        valid.put("unknown field with 1e999 (1000 digits written out)", withExtra("\"big\": 1e999"));
        valid.put("unknown field with a decimal with an exponent", withExtra("\"ratio\": 2.5e-3"));
        valid.put("unknown field with an unpaired surrogate (kept, escaped)", withExtra("\"raw\": \"\\udc00\""));
        valid.put("unknown field whose value is an order", withExtra("\"previous\": " + BadOrders.VALID));
        return valid;
    }

    private static byte[] amount(String amount) {
        return order("1001", "42", amount, "\"keyboard\"");
    }

    private static byte[] order(String orderId, String customerId, String amount, String product) {
        return utf8("{\"order_id\": " + orderId + ", \"customer_id\": " + customerId + ", \"amount\": " + amount
                + ", \"product\": " + product + ", \"status\": \"paid\"}");
    }

    private static byte[] withStatus(String status) {
        return utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\", \"status\": " + status + "}");
    }

    private static byte[] withExtra(String fields) {
        return utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\", \"status\": \"paid\", " + fields + "}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
