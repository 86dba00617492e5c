package io.orderpipeline.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a careless or malicious producer sends (issue 14), each with the verdict CONTRACT.md
 * gives it (its "Additions": a valid order and customer precisely): every class of bad input at
 * the bounds and just past them, and the valid records next to them that must go through. Values
 * are bytes, so invalid UTF-8 can be written as it is. Timestamps are given relative to the write:
 * {@code aheadMs} 0 means "stamped now" (the writer's on-time instant); more is that far ahead of
 * the time the record is written.
 */
public final class HostileDataSet {

    /** A record stamped this far ahead is a producer with a fast clock: past the 5-minute bound. */
    public static final long FAR_AHEAD = Duration.ofMinutes(50).toMillis();
    /** Ahead of the write, but well within the bound: valid. */
    public static final long SLIGHTLY_AHEAD = Duration.ofMinutes(1).toMillis();
    /** The customers every order of the data set refers to (a valid version stamped before the orders). */
    public static final long CUSTOMER = 501;
    /** The product whose current hour the test checks through product-revenue's HTTP API. */
    public static final String REVENUE_PRODUCT = "desk";

    /**
     * One record. {@code key} null: no key; {@code value} null: a null value. {@code partition}
     * null: spread by the writer.
     */
    public record Case(String what, boolean valid, String key, byte[] value, long aheadMs, Integer partition) {
        public String valueString() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    private final List<Case> cases = new ArrayList<>();
    private long nextId;

    private HostileDataSet(long firstId) {
        this.nextId = firstId;
    }

    /** The hostile orders (the far-ahead one in partition 0, where on-time orders of its product follow). */
    public static List<Case> orders() {
        HostileDataSet d = new HostileDataSet(7001);
        // amounts: extreme exponents, the digit bounds, -0, negative, not numbers
        d.amount("amount 1e1000000", false, "1e1000000");
        d.amount("amount 1e-1000000", false, "1e-1000000");
        d.amount("amount -1e1000000", false, "-1e1000000");
        d.amount("amount 999999999999999 (15 integer digits)", true, "999999999999999");
        d.amount("amount 1000000000000000 (16 integer digits)", false, "1000000000000000");
        d.amount("amount 999999999999999.99999999 (the largest)", true, "999999999999999.99999999");
        d.amount("amount 999999999999999.999999999 (9 places)", false, "999999999999999.999999999");
        d.amount("amount 0.00000001 (8 places)", true, "0.00000001");
        d.amount("amount 0.000000001 (9 places)", false, "0.000000001");
        d.amount("amount 1.000000000 (9 places as written)", false, "1.000000000");
        d.amount("amount 10e-9 (9 places with the exponent applied)", false, "10e-9");
        d.amount("amount 1E-8", true, "1E-8");
        d.amount("amount 1e14 (15 integer digits)", true, "1e14");
        d.amount("amount 1e15 (16 integer digits)", false, "1e15");
        d.amount("amount 1.5e2", true, "1.5e2");
        d.amount("amount 0.30000000000000004 (binary noise)", false, "0.30000000000000004");
        d.amount("amount -0", true, "-0");
        d.amount("amount -0.0", true, "-0.0");
        d.amount("amount -0.01", false, "-0.01");
        d.amount("amount -1e-8", false, "-1e-8");
        d.amount("amount a string", false, "\"149.99\"");
        d.amount("amount a boolean", false, "true");
        d.amount("amount NaN", false, "NaN");
        d.amount("amount +1", false, "+1");
        d.amount("amount 01", false, "01");
        // integer fields: past long, fractions, strings
        d.raw("order_id 9223372036854775807 (Long.MAX_VALUE)", true, d.order("9223372036854775807", "501", "1.00", "\"pen\"", ""));
        d.raw("order_id 9223372036854775808 (past long)", false, d.order("9223372036854775808", "501", "1.00", "\"pen\"", ""));
        d.raw("customer_id -9223372036854775808 (Long.MIN_VALUE)", true,
                d.order(d.id(), "-9223372036854775808", "1.00", "\"pen\"", ""));
        d.raw("customer_id -9223372036854775809 (past long)", false, d.order(d.id(), "-9223372036854775809", "1.00", "\"pen\"", ""));
        d.raw("order_id 1001.0", false, d.order("1001.0", "501", "1.00", "\"pen\"", ""));
        d.raw("order_id 1e3", false, d.order("1e3", "501", "1.00", "\"pen\"", ""));
        d.raw("customer_id 501.0", false, d.order(d.id(), "501.0", "1.00", "\"pen\"", ""));
        d.raw("customer_id 5.01e2", false, d.order(d.id(), "5.01e2", "1.00", "\"pen\"", ""));
        d.raw("order_id a string", false, d.order("\"1001\"", "501", "1.00", "\"pen\"", ""));
        d.raw("customer_id a string", false, d.order(d.id(), "\"501\"", "1.00", "\"pen\"", ""));
        // texts: lengths in UTF-16 units, control characters, unpaired surrogates, non-ASCII
        d.product("product of 200 characters", true, "p".repeat(200));
        d.product("product of 201 characters", false, "p".repeat(201));
        d.product("product of 100 emoji (200 UTF-16 units)", true, "\uD83D\uDCE6".repeat(100));
        d.product("product of 101 emoji (202 UTF-16 units)", false, "\uD83D\uDCE6".repeat(101));
        d.product("product caf\u00e9 (2-byte UTF-8)", true, "caf\u00e9");
        d.product("product \u952e\u76d8 (3-byte UTF-8)", true, "\u952e\u76d8");
        d.productJson("product with \\u0000", false, "\"key\\u0000board\"");
        d.productJson("product with \\t", false, "\"key\\tboard\"");
        d.productJson("product with \\u007f (DEL)", false, "\"key\\u007fboard\"");
        d.productJson("product with \\u0085 (C1 control)", false, "\"key\\u0085board\"");
        d.productJson("product with a raw control byte (not JSON)", false, "\"key\u0001board\"");
        d.productJson("product with \\ud800 (unpaired surrogate)", false, "\"key\\ud800board\"");
        d.productJson("product with \\udc00 alone", false, "\"\\udc00\"");
        d.productJson("product with an escaped surrogate pair", true, "\"box \\ud83d\\udce6\"");
        d.productJson("product blank", false, "\"  \"");
        d.productJson("product a number", false, "7");
        d.raw("status of 200 characters", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"status\": \"" + "s".repeat(200) + "\""));
        d.raw("status of 201 characters", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"status\": \"" + "s".repeat(201) + "\""));
        d.raw("status with \\n and \\u0000 (kept)", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"status\": \"paid\\n\\u0000\""));
        d.raw("status with \\udc00 (unpaired surrogate)", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"status\": \"\\udc00\""));
        d.raw("status null", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"status\": null"));
        d.raw("status a number", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"status\": 1"));
        // encoding: invalid UTF-8 and overlong forms, a byte order mark, UTF-16
        d.bytes("invalid UTF-8 byte FF in product", false, d.orderWithProductBytes(new byte[] {'k', (byte) 0xFF, 'b'}));
        d.bytes("overlong '/' C0 AF in product", false, d.orderWithProductBytes(new byte[] {'k', (byte) 0xC0, (byte) 0xAF, 'b'}));
        d.bytes("overlong NUL C0 80 in product", false, d.orderWithProductBytes(new byte[] {'k', (byte) 0xC0, (byte) 0x80, 'b'}));
        d.bytes("overlong 3-byte E0 80 AF in product", false,
                d.orderWithProductBytes(new byte[] {'k', (byte) 0xE0, (byte) 0x80, (byte) 0xAF, 'b'}));
        d.bytes("encoded surrogate ED A0 80 in product", false,
                d.orderWithProductBytes(new byte[] {'k', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'}));
        d.bytes("code point past U+10FFFF (F4 90 80 80) in product", false,
                d.orderWithProductBytes(new byte[] {'k', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, 'b'}));
        d.bytes("truncated sequence E2 82 in product", false, d.orderWithProductBytes(new byte[] {'k', (byte) 0xE2, (byte) 0x82}));
        d.bytes("lone continuation byte 80 in product", false, d.orderWithProductBytes(new byte[] {'k', (byte) 0x80, 'b'}));
        d.bytes("byte order mark before the JSON", false,
                concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(d.order(d.id(), "501", "1.00", "\"pen\"", ""))));
        d.bytes("UTF-16BE with a byte order mark", false,
                concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, d.order(d.id(), "501", "1.00", "\"pen\"", "").getBytes(StandardCharsets.UTF_16BE)));
        d.bytes("UTF-16LE without a byte order mark", false, d.order(d.id(), "501", "1.00", "\"pen\"", "").getBytes(StandardCharsets.UTF_16LE));
        // nesting: the order's object is level 1
        d.raw("nested 16 levels", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"nest\": " + nested(15)));
        d.raw("nested 17 levels", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"nest\": " + nested(16)));
        // duplicate names, top-level and nested
        d.raw("amount twice", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"amount\": 1000000"));
        d.raw("product twice", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"product\": \"laptop\""));
        d.raw("unknown field twice", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"note\": 1, \"note\": 2"));
        d.raw("duplicate name in a nested object", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"meta\": {\"k\": 1, \"k\": 2}"));
        d.raw("duplicate name in an object in an array", false,
                d.order(d.id(), "501", "1.00", "\"pen\"", ", \"lines\": [{\"sku\": \"a\", \"sku\": \"b\"}]"));
        d.raw("same name in sibling objects (valid)", true,
                d.order(d.id(), "501", "1.00", "\"pen\"", ", \"lines\": [{\"sku\": \"a\"}, {\"sku\": \"b\"}]"));
        // shapes that are not an order object
        d.raw("a JSON string holding an order", false, "\"" + d.order(d.id(), "501", "1.00", "\"pen\"", "").replace("\"", "\\\"") + "\"");
        d.raw("JSON null", false, "null");
        d.raw("empty value", false, "");
        d.raw("whitespace only", false, " \n\t ");
        d.raw("null value", false, null);
        d.raw("an array holding an order", false, "[" + d.order(d.id(), "501", "1.00", "\"pen\"", "") + "]");
        d.raw("trailing comma", false, d.order(d.id(), "501", "1.00", "\"pen\"", ",").replace(",}", ", }"));
        d.raw("a comment", false, d.order(d.id(), "501", "1.00", "\"pen\"", " /* x */"));
        d.raw("single quotes", false, d.order(d.id(), "501", "1.00", "'pen'", ""));
        d.raw("two JSON values", false, d.order(d.id(), "501", "1.00", "\"pen\"", "") + " {}");
        // unknown fields: named like the services' own fields (the service's value must win), numbers written out in full
        d.raw("unknown fields named like the services' fields", true, d.order(d.id(), "501", "600.00", "\"lamp\"",
                ", \"status\": \"paid\", \"amount_tier\": \"bogus\", \"needs_review\": \"no\", \"customer_name\": \"Mallory\","
                        + " \"customer_segment\": \"attacker\", \"country\": \"ZZ\""));
        d.raw("unknown fields named like the services' fields, null and nested", true, d.order(d.id(), "501", "150.00", "\"lamp\"",
                ", \"amount_tier\": null, \"needs_review\": {\"x\": true}, \"customer_name\": [\"a\"], \"customer_segment\": null,"
                        + " \"country\": 1"));
        d.raw("unknown fields null, empty and nested (kept as they are)", true, d.order(d.id(), "501", "1.00", "\"pen\"",
                ", \"coupon\": null, \"tags\": [], \"meta\": {}, \"note\": \"\", \"lines\": [{\"sku\": \"m-1\", \"qty\": 2.50}]"));
        d.raw("unknown field named extra", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"extra\": {\"gift\": true}"));
        d.raw("unknown number 1e999 (1000 digits written out)", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"big\": 1e999"));
        d.raw("unknown number 1e1000 (1001 digits written out)", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"big\": 1e1000"));
        d.raw("unknown integer of 1000 digits", true, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"big\": " + "9".repeat(1000)));
        d.raw("unknown integer of 1001 digits", false, d.order(d.id(), "501", "1.00", "\"pen\"", ", \"big\": " + "9".repeat(1001)));
        // event time: a producer whose clock runs fast, and one slightly ahead
        d.cases.add(new Case("a valid order stamped 50 minutes ahead", false, d.key(),
                utf8(d.order(d.id(), "501", "1000.00", "\"" + REVENUE_PRODUCT + "\"", ", \"status\": \"paid\"")), FAR_AHEAD, 0));
        d.cases.add(new Case("a valid order stamped 1 minute ahead", true, d.key(),
                utf8(d.order(d.id(), "502", "2.00", "\"clock\"", ", \"status\": \"paid\"")), SLIGHTLY_AHEAD, null));
        return List.copyOf(d.cases);
    }

    /** The customers: valid ones the orders join with first, then bad keys and values, and the timestamps. */
    public static List<Case> customers() {
        List<Case> c = new ArrayList<>();
        c.add(customer("customer 501", true, "501", "{\"customer_id\": 501, \"name\": \"Ada Lovelace\", \"segment\": \"enterprise\", "
                + "\"country\": \"GB\"}", 0));
        c.add(customer("customer 502 without segment and country", true, "502", "{\"customer_id\": 502, \"name\": \"Grace Hopper\"}", 0));
        c.add(customer("customer 503", true, "503", "{\"customer_id\": 503, \"name\": \"Edsger Dijkstra\", \"country\": \"NL\"}", 0));
        String valid = "{\"customer_id\": 42, \"name\": \"Mallory\"}";
        c.add(customer("customer key 042 (leading zero)", false, "042", valid, 0));
        c.add(customer("customer key +42", false, "+42", valid, 0));
        c.add(customer("customer key -0", false, "-0", valid, 0));
        c.add(customer("customer key 9223372036854775808 (past long)", false, "9223372036854775808", valid, 0));
        c.add(customer("customer key of Arabic-Indic digits", false, "\u0664\u0662", valid, 0));
        c.add(customer("customer key not a number", false, "abc", valid, 0));
        c.add(customer("customer key empty", false, "", valid, 0));
        // (a customer without key cannot be written: the broker refuses a record without key on a compacted topic)
        c.add(customer("customer key 42.0", false, "42.0", valid, 0));
        c.add(customer("customer name twice", false, "44", "{\"customer_id\": 44, \"name\": \"Eve\", \"name\": \"Mallory\"}", 0));
        c.add(customer("customer with a duplicate name in a nested object", false, "45",
                "{\"customer_id\": 45, \"name\": \"Eve\", \"meta\": {\"k\": 1, \"k\": 2}}", 0));
        c.add(customer("customer with a byte order mark", false, "47", "\uFEFF{\"customer_id\": 47, \"name\": \"Eve\"}", 0));
        c.add(customer("customer name of 201 characters", false, "49", "{\"customer_id\": 49, \"name\": \"" + "n".repeat(201) + "\"}", 0));
        c.add(customer("customer name of 200 characters", true, "50", "{\"customer_id\": 50, \"name\": \"" + "n".repeat(200) + "\"}", 0));
        c.add(customer("customer stamped 50 minutes ahead", false, "46", "{\"customer_id\": 46, \"name\": \"Fast Clock\"}", FAR_AHEAD));
        c.add(customer("deletion of customer 503 stamped 50 minutes ahead", false, "503", null, FAR_AHEAD));
        c.add(customer("customer stamped 1 minute ahead", true, "48", "{\"customer_id\": 48, \"name\": \"Slightly Ahead\"}",
                SLIGHTLY_AHEAD));
        return List.copyOf(c);
    }

    /** The customer ids the data set writes, valid or not: every one gets orders, so each join case shows. */
    public static List<Long> customerIds() {
        return List.of(501L, 502L, 503L, 44L, 45L, 46L, 47L, 48L, 49L, 50L);
    }

    private static Case customer(String what, boolean valid, String key, String value, long aheadMs) {
        return new Case(what, valid, key, value == null ? null : utf8(value), aheadMs, null);
    }

    private String id() {
        return Long.toString(nextId++);
    }

    private String key() {
        return cases.size() % 5 == 4 ? null : "h-" + cases.size();
    }

    private String order(String orderId, String customerId, String amount, String product, String rest) {
        return "{\"order_id\": " + orderId + ", \"customer_id\": " + customerId + ", \"amount\": " + amount + ", \"product\": " + product
                + rest + "}";
    }

    private void amount(String what, boolean valid, String amount) {
        raw(what, valid, order(id(), "501", amount, "\"pen\"", ", \"status\": \"paid\""));
    }

    private void product(String what, boolean valid, String product) {
        productJson(what, valid, "\"" + product + "\"");
    }

    private void productJson(String what, boolean valid, String productJson) {
        raw(what, valid, order(id(), "501", "1.00", productJson, ""));
    }

    private byte[] orderWithProductBytes(byte[] product) {
        return concat(utf8("{\"order_id\": " + id() + ", \"customer_id\": 501, \"amount\": 1.00, \"product\": \""), product,
                utf8("\"}"));
    }

    private void raw(String what, boolean valid, String value) {
        bytes(what, valid, value == null ? null : utf8(value));
    }

    private void bytes(String what, boolean valid, byte[] value) {
        cases.add(new Case(what, valid, key(), value, 0, null));
    }

    private static String nested(int arrays) {
        return "[".repeat(arrays) + "1" + "]".repeat(arrays);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
