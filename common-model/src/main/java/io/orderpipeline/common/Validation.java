package io.orderpipeline.common;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What makes an {@code orders} or {@code customers} value valid beyond its JSON types, in one place:
 * {@link Order}'s and {@link Customer}'s constructors check it, and every service reads every record
 * through them ({@link Topics}), so every service rejects the same records with the same reason.
 * A failed check is an {@link IllegalArgumentException} whose message is that reason; the serde
 * reports it as {@code Invalid Order: <reason>} ({@link JsonSerde}).
 */
public final class Validation {

    /**
     * Digits before the decimal point of an amount: up to 999,999,999,999,999 (a quadrillion less
     * one), counted as written with its exponent applied ({@code 1.5e2} has 3).
     */
    public static final int MAX_INTEGER_DIGITS = 15;
    /** Decimal places of an amount, as written: {@code 149.990} has 3, {@code 1e-9} has 9. */
    public static final int MAX_DECIMAL_PLACES = 8;
    /**
     * Characters (UTF-16 code units, as {@link String#length()} counts) of a text field: product,
     * status, customer name, segment and country; also the longest path parameter of the HTTP API,
     * so every product can be asked for.
     */
    public static final int MAX_TEXT_LENGTH = 200;

    private Validation() {
    }

    /** A money amount: present, within the digit bounds above, not negative. */
    static void amount(BigDecimal amount) {
        if (amount == null) {
            throw new IllegalArgumentException("amount is missing");
        }
        if ((long) amount.precision() - amount.scale() > MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException("amount has more than " + MAX_INTEGER_DIGITS + " digits before the decimal point");
        }
        if (amount.scale() > MAX_DECIMAL_PLACES) {
            throw new IllegalArgumentException("amount has more than " + MAX_DECIMAL_PLACES + " decimal places");
        }
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("amount is negative: " + amount.toPlainString());
        }
    }

    /** A text field that must be there: not null, not blank, and {@link #text}. */
    static void requiredText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing or blank");
        }
        text(field, value);
    }

    /**
     * A text field (null: absent): at most {@value #MAX_TEXT_LENGTH} characters, and Unicode text:
     * an escaped lone surrogate such as {@code "\ud800"} is not (as a Kafka key it would be written
     * as {@code ?}; a strict reader of the outputs rejects it).
     */
    static void text(String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_TEXT_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) { // a loop, not codePoints(): this runs for every order
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a pair: one code point
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " contains an unpaired surrogate (not Unicode text)");
            }
        }
    }

    /**
     * No control characters ({@link Character#isISOControl}: U+0000-U+001F, U+007F-U+009F) in a text
     * that services key, group and query by (the product: a Kafka key and an HTTP path parameter).
     */
    static void noControlCharacters(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) { // a surrogate is not a control character: chars suffice
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(field + " contains a control character");
            }
        }
    }

    /**
     * A record's timestamp: at most {@code maxAheadMs} ahead of {@code now} (the wall clock of the
     * instance that reads it, {@link Inputs}). Against a clock, not the data: a replay read later
     * accepts a record the live run rejected (CONTRACT.md).
     */
    static void timestamp(long timestamp, long now, long maxAheadMs) {
        long latest = now > Long.MAX_VALUE - maxAheadMs ? Long.MAX_VALUE : now + maxAheadMs;
        if (timestamp > latest) {
            throw new IllegalArgumentException("timestamp " + Instant.ofEpochMilli(timestamp) + " is " + (timestamp - now) + " ms ahead of the wall clock "
                    + Instant.ofEpochMilli(now) + " (at most " + maxAheadMs + " ms: " + Inputs.MAX_AHEAD_SECONDS + ")");
        }
    }

    /**
     * Unknown fields, kept and written back by the services: every number in them, written out in
     * full (the services write decimals without exponent), has at most {@value Json#MAX_NUMBER_DIGITS}
     * digits, so what a service writes can be read back ({@code 1e999999} cannot).
     */
    static void unknownFields(Map<String, Object> fields) {
        if (fields != null) {
            fields.forEach((name, value) -> {
                if (!writable(value)) {
                    throw new IllegalArgumentException("unknown field '" + name + "' holds a number of more than "
                            + Json.MAX_NUMBER_DIGITS + " digits written out in full");
                }
            });
        }
    }

    private static boolean writable(Object value) {
        if (value instanceof BigDecimal decimal) {
            long digits = Math.max((long) decimal.precision() - decimal.scale(), 1) + Math.max(decimal.scale(), 0);
            return digits <= Json.MAX_NUMBER_DIGITS;
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().allMatch(Validation::writable);
        }
        if (value instanceof List<?> list) {
            return list.stream().allMatch(Validation::writable);
        }
        return true;
    }
}
