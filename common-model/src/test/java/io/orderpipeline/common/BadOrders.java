package io.orderpipeline.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every kind of bad {@code orders} value we know of, by description, with (a stable part of) the
 * reason the serde gives. Shared by the services' tests: each sends every one of them to its
 * dead-letter topic with that reason. {@code OrderValidationTest} checks the reasons.
 */
public final class BadOrders {

    /** One bad value: what it is, its bytes (null: a null record), and a stable part of its reason. */
    public record Bad(String what, byte[] value, String reason) {
    }

    private BadOrders() {
    }

    /** Description to value bytes (null: a null record), in a fixed order. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        cases().forEach(c -> bad.put(c.what(), c.value()));
        return bad;
    }

    public static List<Bad> cases() {
        List<Bad> bad = new ArrayList<>();
        // not an order at all
        bad.add(new Bad("not JSON", utf8("order 1001: 149.99 for a keyboard"), "Unrecognized token 'order'"));
        bad.add(new Bad("truncated JSON", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 14"), "Unexpected end-of-input"));
        bad.add(new Bad("empty value", new byte[0], "No content to map due to end-of-input"));
        bad.add(new Bad("only whitespace", utf8(" \n\t "), "No content to map due to end-of-input"));
        bad.add(new Bad("not an object (array)", utf8("[1001, 42, 149.99, \"keyboard\"]"), "from Array value"));
        bad.add(new Bad("not an object (empty array)", utf8("[]"), "from Array value"));
        bad.add(new Bad("not an object (string)", utf8("\"keyboard\""), "from String value"));
        bad.add(new Bad("a JSON string holding an order", utf8("\"" + VALID.replace("\"", "\\\"") + "\""), "from String value"));
        bad.add(new Bad("not an object (number)", utf8("149.99"), "from Number value"));
        bad.add(new Bad("JSON null", utf8("null"), "JSON null"));
        bad.add(new Bad("an empty object", utf8("{}"), "Missing required creator property 'order_id'"));
        bad.add(new Bad("null value", null, "null value"));
        // not standard JSON, or not only one JSON value, or not UTF-8
        bad.add(new Bad("a byte order mark before the order", bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(VALID)), "Unexpected character"));
        bad.add(new Bad("UTF-16 (big-endian, no BOM)", VALID.getBytes(StandardCharsets.UTF_16BE), "Illegal character ((CTRL-CHAR, code 0))"));
        bad.add(new Bad("UTF-16 with a BOM", VALID.getBytes(StandardCharsets.UTF_16), "not valid UTF-8"));
        bad.add(new Bad("trailing garbage", utf8(VALID + " x"), "Unrecognized token 'x'"));
        bad.add(new Bad("two orders in one value", utf8(VALID + VALID), "Trailing token (of type START_OBJECT)"));
        bad.add(new Bad("a trailing comma after the order", utf8(VALID + ","), "Unexpected character (',' (code 44)): expected a value"));
        bad.add(new Bad("a comment", utf8("{\"order_id\": 1001, /* the id */ \"customer_id\": 42, \"amount\": 1, \"product\": \"mouse\"}"), "maybe a (non-standard) comment?"));
        bad.add(new Bad("single quotes", utf8("{'order_id': 1001, \"customer_id\": 42, \"amount\": 1, \"product\": \"mouse\"}"), "was expecting double-quote to start field name"));
        bad.add(new Bad("an unquoted name", utf8("{order_id: 1001, \"customer_id\": 42, \"amount\": 1, \"product\": \"mouse\"}"), "was expecting double-quote to start field name"));
        bad.add(new Bad("a trailing comma in the object", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 1, \"product\": \"mouse\",}"), "was expecting double-quote to start field name"));
        bad.add(new Bad("invalid UTF-8 (a lone continuation byte)", utf8WithProduct(new byte[] {'k', (byte) 0x80, 'b'}), "not valid UTF-8"));
        bad.add(new Bad("invalid UTF-8 (a truncated sequence)", utf8WithProduct(new byte[] {'k', (byte) 0xC3, '('}), "not valid UTF-8"));
        bad.add(new Bad("invalid UTF-8 (an overlong '/', which Jackson alone would read)", utf8WithProduct(new byte[] {(byte) 0xC0, (byte) 0xAF}), "not valid UTF-8"));
        bad.add(new Bad("invalid UTF-8 (0xFF)", utf8WithProduct(new byte[] {(byte) 0xFF}), "not valid UTF-8"));
        bad.add(new Bad("invalid UTF-8 (past U+10FFFF, which Jackson alone would read)", utf8WithProduct(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}), "not valid UTF-8"));
        bad.add(new Bad("invalid UTF-8 (an encoded surrogate, CESU-8)", utf8WithProduct(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "not valid UTF-8"));
        bad.add(new Bad("an unescaped control character in a string", order("1001", "42", "1", "\"key\tboard\""), "Illegal unquoted character ((CTRL-CHAR, code 9))"));
        bad.add(new Bad("nesting deeper than " + Json.MAX_DEPTH, withExtra("\"x\": " + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH)),
                "Document nesting depth (" + (Json.MAX_DEPTH + 1) + ") exceeds the maximum allowed (" + Json.MAX_DEPTH));
        bad.add(new Bad("order_id twice", utf8("{\"order_id\": 1001, \"order_id\": 1002, \"customer_id\": 42, \"amount\": 1, \"product\": \"mouse\"}"), "Duplicate field 'order_id'"));
        bad.add(new Bad("amount twice", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 1, \"amount\": 1000, \"product\": \"mouse\"}"), "Duplicate field 'amount'"));
        bad.add(new Bad("an unknown field twice", withExtra("\"coupon\": \"A\", \"coupon\": \"B\""), "Duplicate field 'coupon'"));
        bad.add(new Bad("a field twice in a nested object", withExtra("\"lines\": [{\"sku\": \"a\", \"sku\": \"b\"}]"), "Duplicate field 'sku'"));
        // integers
        bad.add(new Bad("order_id a string", order("\"1001\"", "42", "149.99", "\"keyboard\""), "Cannot coerce String value (\"1001\") to `long` value"));
        bad.add(new Bad("order_id a fraction", order("1001.5", "42", "149.99", "\"keyboard\""), "Cannot coerce Floating-point value (1001.5) to `long` value"));
        bad.add(new Bad("order_id a whole number with a fraction part", order("1001.0", "42", "149.99", "\"keyboard\""), "Cannot coerce Floating-point value (1001.0) to `long` value"));
        bad.add(new Bad("order_id with an exponent", order("1e3", "42", "149.99", "\"keyboard\""), "Cannot coerce Floating-point value (1e3) to `long` value"));
        bad.add(new Bad("order_id past long", order("9223372036854775808", "42", "149.99", "\"keyboard\""), "Numeric value (9223372036854775808) out of range of long"));
        bad.add(new Bad("order_id null", order("null", "42", "149.99", "\"keyboard\""), "Cannot map `null` into type `long`"));
        bad.add(new Bad("customer_id a string", order("1001", "\"42\"", "149.99", "\"keyboard\""), "Cannot coerce String value (\"42\") to `long` value"));
        bad.add(new Bad("customer_id a boolean", order("1001", "true", "149.99", "\"keyboard\""), "from Boolean value"));
        bad.add(new Bad("customer_id below long", order("1001", "-9223372036854775809", "149.99", "\"keyboard\""), "Numeric value (-9223372036854775809) out of range of long"));
        bad.add(new Bad("customer_id with 1001 digits", order("1001", "1".repeat(Json.MAX_NUMBER_DIGITS + 1), "149.99", "\"keyboard\""),
                "Number value length (" + (Json.MAX_NUMBER_DIGITS + 1) + ") exceeds the maximum allowed (" + Json.MAX_NUMBER_DIGITS));
        bad.add(new Bad("missing order_id", utf8("{\"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\"}"), "Missing required creator property 'order_id'"));
        bad.add(new Bad("missing customer_id", utf8("{\"order_id\": 1001, \"amount\": 149.99, \"product\": \"keyboard\"}"), "Missing required creator property 'customer_id'"));
        // amounts
        bad.add(new Bad("amount a string", order("1001", "42", "\"149.99\"", "\"keyboard\""), "Cannot coerce String value (\"149.99\") to `java.math.BigDecimal` value"));
        bad.add(new Bad("amount null", order("1001", "42", "null", "\"keyboard\""), "amount is missing"));
        bad.add(new Bad("missing amount", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"product\": \"keyboard\"}"), "amount is missing"));
        bad.add(new Bad("negative amount", order("1001", "42", "-0.01", "\"keyboard\""), "amount is negative: -0.01"));
        bad.add(new Bad("amount NaN", order("1001", "42", "NaN", "\"keyboard\""), "Non-standard token 'NaN'"));
        bad.add(new Bad("amount Infinity", order("1001", "42", "Infinity", "\"keyboard\""), "Non-standard token 'Infinity'"));
        bad.add(new Bad("amount -Infinity", order("1001", "42", "-Infinity", "\"keyboard\""), "Non-standard token '-Infinity'"));
        bad.add(new Bad("amount with a leading zero", order("1001", "42", "0149.99", "\"keyboard\""), "Leading zeroes not allowed"));
        bad.add(new Bad("amount with a plus sign", order("1001", "42", "+149.99", "\"keyboard\""), "JSON spec does not allow numbers to have plus signs"));
        bad.add(new Bad("amount with 16 digits before the point", order("1001", "42", "1000000000000000", "\"keyboard\""), "amount has more than 15 digits before the decimal point"));
        bad.add(new Bad("amount 1e15 (16 digits)", order("1001", "42", "1e15", "\"keyboard\""), "amount has more than 15 digits before the decimal point"));
        bad.add(new Bad("amount with a huge exponent", order("1001", "42", "1e1000000", "\"keyboard\""), "amount has more than 15 digits before the decimal point"));
        bad.add(new Bad("amount zero with a huge exponent", order("1001", "42", "0e1000000", "\"keyboard\""), "amount has more than 15 digits before the decimal point"));
        bad.add(new Bad("amount with 9 decimal places", order("1001", "42", "149.990000000", "\"keyboard\""), "amount has more than 8 decimal places"));
        bad.add(new Bad("amount 1e-9", order("1001", "42", "1e-9", "\"keyboard\""), "amount has more than 8 decimal places"));
        bad.add(new Bad("amount with binary floating-point noise", order("1001", "42", "0.30000000000000004", "\"keyboard\""), "amount has more than 8 decimal places"));
        bad.add(new Bad("amount with a huge negative exponent", order("1001", "42", "1e-1000000", "\"keyboard\""), "amount has more than 8 decimal places"));
        bad.add(new Bad("amount with 1001 digits", order("1001", "42", "1".repeat(Json.MAX_NUMBER_DIGITS + 1), "\"keyboard\""), "Number value length (1001) exceeds the maximum allowed (1000"));
        // text
        bad.add(new Bad("product a number", order("1001", "42", "149.99", "7"), "Cannot coerce Integer value (7) to `java.lang.String` value"));
        bad.add(new Bad("product an object", order("1001", "42", "149.99", "{\"name\": \"keyboard\"}"), "from Object value"));
        bad.add(new Bad("product an array", order("1001", "42", "149.99", "[\"keyboard\"]"), "from Array value"));
        bad.add(new Bad("missing product", utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99}"), "product is missing or blank"));
        bad.add(new Bad("blank product", order("1001", "42", "149.99", "\"   \""), "product is missing or blank"));
        bad.add(new Bad("empty product", order("1001", "42", "149.99", "\"\""), "product is missing or blank"));
        bad.add(new Bad("product longer than 200 characters", order("1001", "42", "149.99", "\"" + "k".repeat(Validation.MAX_TEXT_LENGTH + 1) + "\""), "product is longer than 200 characters"));
        bad.add(new Bad("product with NUL", order("1001", "42", "149.99", "\"key\\u0000board\""), "product contains a control character"));
        bad.add(new Bad("product with an escaped tab", order("1001", "42", "149.99", "\"key\\tboard\""), "product contains a control character"));
        bad.add(new Bad("product with an escaped newline", order("1001", "42", "149.99", "\"keyboard\\n\""), "product contains a control character"));
        bad.add(new Bad("product with DEL", order("1001", "42", "149.99", "\"key\\u007fboard\""), "product contains a control character"));
        bad.add(new Bad("product with a C1 control (NEL)", order("1001", "42", "149.99", "\"key\\u0085board\""), "product contains a control character"));
        bad.add(new Bad("product with an unpaired high surrogate", order("1001", "42", "149.99", "\"key\\ud83dboard\""), "product contains an unpaired surrogate"));
        bad.add(new Bad("product with an unpaired low surrogate", order("1001", "42", "149.99", "\"\\ude00\""), "product contains an unpaired surrogate"));
        bad.add(new Bad("status a number", withStatus("5"), "Cannot coerce Integer value (5) to `java.lang.String` value"));
        bad.add(new Bad("status an object", withStatus("{}"), "from Object value"));
        bad.add(new Bad("status longer than 200 characters", withStatus("\"" + "p".repeat(Validation.MAX_TEXT_LENGTH + 1) + "\""), "status is longer than 200 characters"));
        bad.add(new Bad("status with an unpaired surrogate", withStatus("\"pa\\udc00id\""), "status contains an unpaired surrogate"));
        // unknown fields
        bad.add(new Bad("an unknown field with a number that has no end written out", withExtra("\"weight\": 1e1000000"),
                "unknown field 'weight' holds a number of more than 1000 digits written out in full"));
        bad.add(new Bad("an unknown field with a number of 1001 digits written out", withExtra("\"weight\": 1e1000"),
                "unknown field 'weight' holds a number of more than 1000 digits written out in full"));
        bad.add(new Bad("a nested unknown field with a number of 1001 decimal places written out", withExtra("\"lines\": [{\"qty\": 1e-1000}]"),
                "unknown field 'lines' holds a number of more than 1000 digits written out in full"));
        bad.add(new Bad("an unknown field with NaN", withExtra("\"weight\": NaN"), "Non-standard token 'NaN'"));
        return bad;
    }

    /** A valid order, the base of several bad ones. */
    static final String VALID = "{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\", \"status\": \"paid\"}";

    private static byte[] order(String orderId, String customerId, String amount, String product) {
        return utf8("{\"order_id\": " + orderId + ", \"customer_id\": " + customerId + ", \"amount\": " + amount
                + ", \"product\": " + product + ", \"status\": \"paid\"}");
    }

    private static byte[] withStatus(String status) {
        return utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\", \"status\": " + status + "}");
    }

    private static byte[] withExtra(String fields) {
        return utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\", " + fields + "}");
    }

    /** An order whose product is {@code product}'s raw bytes, quoted. */
    private static byte[] utf8WithProduct(byte[] product) {
        return bytes(utf8("{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99, \"product\": \""), product, utf8("\"}"));
    }

    private static byte[] bytes(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
