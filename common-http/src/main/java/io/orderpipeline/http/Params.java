package io.orderpipeline.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Request parameters, checked: a bad one is a 400 that says which parameter and why.
 * Instants are epoch milliseconds ({@code 1764000000000}) or ISO-8601 instants
 * ({@code 2026-11-24T10:15:00Z}).
 */
public final class Params {

    /** Longest path parameter accepted (product names, ids). */
    static final int MAX_LENGTH = 200;

    private Params() {
    }

    /** The query parameter {@code name} as an instant, or {@code otherwise} when it is absent. */
    public static Instant instant(Context ctx, String name, Instant otherwise) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? otherwise : parseInstant(name, value.trim());
    }

    static Instant parseInstant(String name, String value) {
        if (value.matches("-?\\d{1,18}")) {
            return Instant.ofEpochMilli(Long.parseLong(value));
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse(name + " must be epoch milliseconds or an ISO-8601 instant such as "
                    + "2026-11-24T10:15:00Z, got '" + value + "'");
        }
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
        String value = ctx.pathParam(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " must be an integer, got '" + value + "'");
        }
    }
}
