package io.orderpipeline.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.orderpipeline.common.Validation;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request parameters, checked: a bad one is a 400 that says which parameter and why.
 * Instants are epoch milliseconds ({@code 1764000000000}) or ISO-8601 instants
 * ({@code 2026-11-24T10:15:00Z}), either way within what epoch milliseconds can hold (a
 * {@code long}: {@value Long#MIN_VALUE} to {@value Long#MAX_VALUE}), the stores' unit of time.
 */
public final class Params {

    /** Longest path parameter accepted (product names, ids): as long as a product name may be. */
    static final int MAX_LENGTH = Validation.MAX_TEXT_LENGTH;
    /** The earliest and latest instants a parameter may name: the range of epoch milliseconds. */
    static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);
    static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");

    private Params() {
    }

    /**
     * The query parameter {@code name} as an instant, or {@code otherwise} when it is absent or blank.
     * Given twice, or not decodable ({@code %zz}), it is a 400 like a bad value.
     */
    public static Instant instant(Context ctx, String name, Instant otherwise) {
        List<String> values = ctx.queryParamMap().get(name);
        if (values == null) {
            return otherwise;
        }
        if (values.isEmpty()) {
            // Javalin leaves out a value it cannot URL-decode
            throw new BadRequestResponse(name + " is not valid URL encoding");
        }
        if (values.size() > 1) {
            throw new BadRequestResponse(name + " must be given once, got it " + values.size() + " times");
        }
        String value = values.get(0);
        return value.isBlank() ? otherwise : parseInstant(name, value.trim());
    }

    static Instant parseInstant(String name, String value) {
        if (INTEGER.matcher(value).matches()) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw outOfRange(name, value);
            }
        }
        TemporalAccessor parsed;
        try {
            parsed = DateTimeFormatter.ISO_INSTANT.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse(name + " must be epoch milliseconds or an ISO-8601 instant such as "
                    + "2026-11-24T10:15:00Z, got '" + value + "'");
        }
        // read as seconds first: an instant past Instant.MAX still parses, it cannot be made an Instant
        long seconds = parsed.getLong(ChronoField.INSTANT_SECONDS);
        if (seconds < EARLIEST.getEpochSecond() || seconds > LATEST.getEpochSecond()) {
            throw outOfRange(name, value);
        }
        Instant instant = Instant.ofEpochSecond(seconds, parsed.getLong(ChronoField.NANO_OF_SECOND));
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw outOfRange(name, value);
        }
        return instant;
    }

    private static BadRequestResponse outOfRange(String name, String value) {
        return new BadRequestResponse(name + " is out of range: it must be between " + EARLIEST + " and " + LATEST
                + " (epoch milliseconds " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + "), got '" + value + "'");
    }

    /**
     * The path parameter {@code name}, URL-decoded by Javalin ({@code %2F}, {@code %20}, UTF-8 all
     * work): not blank, not over {@value #MAX_LENGTH} characters, no control characters.
     */
    public static String text(Context ctx, String name) {
        return checkText(name, ctx.pathParam(name));
    }

    static String checkText(String name, String value) {
        if (value.isBlank()) {
            throw new BadRequestResponse(name + " must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new BadRequestResponse(name + " must be at most " + MAX_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequestResponse(name + " must not contain control characters");
        }
        return value;
    }

    /** The path parameter {@code name} as a (decimal, possibly negative) long integer. */
    public static long integer(Context ctx, String name) {
        return parseInteger(name, ctx.pathParam(name));
    }

    static long parseInteger(String name, String value) {
        if (!INTEGER.matcher(value).matches()) {
            throw new BadRequestResponse(name + " must be an integer, got '" + value + "'");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " must be an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE
                    + ", got '" + value + "'");
        }
    }
}
