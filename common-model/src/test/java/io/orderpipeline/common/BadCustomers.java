package io.orderpipeline.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every kind of bad {@code customers} value and key we know of, with (a stable part of) the
 * reason, and valid ones at the edges. Shared by customer-join's tests; {@code OrderValidationTest}
 * checks the reasons.
 */
public final class BadCustomers {

    private BadCustomers() {
    }

    /** Description to value bytes, in a fixed order (every one with key "42"). */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        cases().forEach(c -> bad.put(c.what(), c.value()));
        return bad;
    }

    public static List<BadOrders.Bad> cases() {
        List<BadOrders.Bad> bad = new ArrayList<>();
        bad.add(new BadOrders.Bad("not JSON", utf8("Ada Lovelace, enterprise, GB"), "Unrecognized token 'Ada'"));
        bad.add(new BadOrders.Bad("truncated JSON", utf8("{\"customer_id\": 42, \"name\": \"Ada"), "Unexpected end-of-input"));
        bad.add(new BadOrders.Bad("JSON null (not a tombstone)", utf8("null"), "JSON null"));
        bad.add(new BadOrders.Bad("empty value (not a tombstone)", new byte[0], "No content to map due to end-of-input"));
        bad.add(new BadOrders.Bad("not an object (array)", utf8("[42, \"Ada Lovelace\"]"), "from Array value"));
        bad.add(new BadOrders.Bad("not an object (string)", utf8("\"Ada Lovelace\""), "from String value"));
        bad.add(new BadOrders.Bad("an empty object", utf8("{}"), "Missing required creator property 'customer_id'"));
        bad.add(new BadOrders.Bad("a byte order mark first", bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(ADA)), "Unexpected character"));
        bad.add(new BadOrders.Bad("UTF-16", ADA.getBytes(StandardCharsets.UTF_16LE), "Illegal character ((CTRL-CHAR, code 0))"));
        bad.add(new BadOrders.Bad("trailing garbage", utf8(ADA + " x"), "Unrecognized token 'x'"));
        bad.add(new BadOrders.Bad("invalid UTF-8", bytes(utf8("{\"customer_id\": 42, \"name\": \"Ad"), new byte[] {(byte) 0xFF}, utf8("\"}")), "not valid UTF-8"));
        bad.add(new BadOrders.Bad("nesting deeper than " + Json.MAX_DEPTH, utf8("{\"customer_id\": 42, \"name\": \"Ada\", \"x\": "
                + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "}"), "Document nesting depth (" + (Json.MAX_DEPTH + 1) + ")"));
        bad.add(new BadOrders.Bad("name twice", utf8("{\"customer_id\": 42, \"name\": \"Ada\", \"name\": \"Eve\"}"), "Duplicate field 'name'"));
        bad.add(new BadOrders.Bad("missing customer_id", utf8("{\"name\": \"Eve\", \"segment\": \"smb\", \"country\": \"DE\"}"), "Missing required creator property 'customer_id'"));
        bad.add(new BadOrders.Bad("customer_id a string", utf8("{\"customer_id\": \"42\", \"name\": \"Eve\"}"), "Cannot coerce String value (\"42\") to `long` value"));
        bad.add(new BadOrders.Bad("customer_id a fraction", utf8("{\"customer_id\": 42.5, \"name\": \"Eve\"}"), "Cannot coerce Floating-point value (42.5) to `long` value"));
        bad.add(new BadOrders.Bad("customer_id with an exponent", utf8("{\"customer_id\": 4.2e1, \"name\": \"Eve\"}"), "Cannot coerce Floating-point value (4.2e1) to `long` value"));
        bad.add(new BadOrders.Bad("customer_id past long", utf8("{\"customer_id\": 9223372036854775808, \"name\": \"Eve\"}"), "out of range of long"));
        bad.add(new BadOrders.Bad("customer_id null", utf8("{\"customer_id\": null, \"name\": \"Eve\"}"), "Cannot map `null` into type `long`"));
        bad.add(new BadOrders.Bad("missing name", utf8("{\"customer_id\": 42, \"segment\": \"smb\", \"country\": \"DE\"}"), "name is missing or blank"));
        bad.add(new BadOrders.Bad("name null", utf8("{\"customer_id\": 42, \"name\": null}"), "name is missing or blank"));
        bad.add(new BadOrders.Bad("blank name", utf8("{\"customer_id\": 42, \"name\": \"  \", \"segment\": \"smb\"}"), "name is missing or blank"));
        bad.add(new BadOrders.Bad("name a number", utf8("{\"customer_id\": 42, \"name\": 7}"), "Cannot coerce Integer value (7) to `java.lang.String` value"));
        bad.add(new BadOrders.Bad("name an object", utf8("{\"customer_id\": 42, \"name\": {\"first\": \"Eve\"}}"), "from Object value"));
        bad.add(new BadOrders.Bad("name longer than 200 characters", utf8("{\"customer_id\": 42, \"name\": \"" + "a".repeat(Validation.MAX_TEXT_LENGTH + 1) + "\"}"),
                "name is longer than 200 characters"));
        bad.add(new BadOrders.Bad("name with an unpaired surrogate", utf8("{\"customer_id\": 42, \"name\": \"Ada \\ud800\"}"), "name contains an unpaired surrogate"));
        bad.add(new BadOrders.Bad("segment a number", utf8("{\"customer_id\": 42, \"name\": \"Eve\", \"segment\": 3}"), "Cannot coerce Integer value (3) to `java.lang.String` value"));
        bad.add(new BadOrders.Bad("segment longer than 200 characters", utf8("{\"customer_id\": 42, \"name\": \"Eve\", \"segment\": \"" + "s".repeat(Validation.MAX_TEXT_LENGTH + 1) + "\"}"),
                "segment is longer than 200 characters"));
        bad.add(new BadOrders.Bad("country a boolean", utf8("{\"customer_id\": 42, \"name\": \"Eve\", \"country\": true}"), "Cannot coerce Boolean value (true) to `java.lang.String` value"));
        bad.add(new BadOrders.Bad("country longer than 200 characters", utf8("{\"customer_id\": 42, \"name\": \"Eve\", \"country\": \"" + "c".repeat(Validation.MAX_TEXT_LENGTH + 1) + "\"}"),
                "country is longer than 200 characters"));
        bad.add(new BadOrders.Bad("country with an unpaired surrogate", utf8("{\"customer_id\": 42, \"name\": \"Eve\", \"country\": \"\\udfff\"}"), "country contains an unpaired surrogate"));
        return bad;
    }

    /** Valid customers at the edges, by description: every one is accepted and joined. */
    public static Map<String, byte[]> validEdges() {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        valid.put("the contract's example", utf8(ADA));
        valid.put("without segment and country", utf8("{\"customer_id\": 42, \"name\": \"Ada Lovelace\"}"));
        valid.put("segment and country null", utf8("{\"customer_id\": 42, \"name\": \"Ada\", \"segment\": null, \"country\": null}"));
        valid.put("segment and country empty", utf8("{\"customer_id\": 42, \"name\": \"Ada\", \"segment\": \"\", \"country\": \"\"}"));
        valid.put("texts of 200 characters", utf8("{\"customer_id\": 42, \"name\": \"" + "a".repeat(Validation.MAX_TEXT_LENGTH) + "\", \"segment\": \""
                + "s".repeat(Validation.MAX_TEXT_LENGTH) + "\", \"country\": \"" + "c".repeat(Validation.MAX_TEXT_LENGTH) + "\"}"));
        valid.put("a name with control characters (kept, escaped)", utf8("{\"customer_id\": 42, \"name\": \"Ada\\tLovelace\\n\"}"));
        valid.put("a name with non-ASCII letters and an emoji", utf8("{\"customer_id\": 42, \"name\": \"Zoë \uD83D\uDE00 Ørsted\"}"));
        valid.put("unknown fields (ignored)", utf8("{\"customer_id\": 42, \"name\": \"Ada\", \"email\": \"ada@example.com\", \"tags\": [1, 2.5e3, null]}"));
        valid.put("customer_id the largest long (the key is what joins)", utf8("{\"customer_id\": 9223372036854775807, \"name\": \"Ada\"}"));
        return valid;
    }

    /** Keys of {@code customers} that are not customer ids, with the reason; null: an absent key. */
    public static Map<String, String> badKeys() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(null, "Invalid customer key: absent");
        bad.put("", "Invalid customer key: '' is not a customer id");
        bad.put("ada", "Invalid customer key: 'ada' is not a customer id");
        bad.put("4 2", "Invalid customer key: '4 2' is not a customer id");
        bad.put(" 42", "Invalid customer key: ' 42' is not a customer id");
        bad.put("+42", "Invalid customer key: '+42' is not a customer id");
        bad.put("4.2e1", "Invalid customer key: '4.2e1' is not a customer id");
        bad.put("042", "Invalid customer key: '042' is not a customer id");
        bad.put("\u0664\u0662", "Invalid customer key: '\u0664\u0662' is not a customer id");
        bad.put("-0", "Invalid customer key: '-0' is not a customer id");
        bad.put("9223372036854775808", "Invalid customer key: '9223372036854775808' is not a customer id");
        bad.put("-9223372036854775809", "Invalid customer key: '-9223372036854775809' is not a customer id");
        return bad;
    }

    static final String ADA = "{\"customer_id\": 42, \"name\": \"Ada Lovelace\", \"segment\": \"enterprise\", \"country\": \"GB\"}";

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
