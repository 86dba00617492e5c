package io.orderpipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.orderpipeline.common.Json;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer: an answer of this instance (a record written as JSON) or the answer of another
 * instance passed through as it came (status, JSON body, the headers that matter).
 */
public record Reply(int status, String json, Map<String, String> headers) {

    public Reply {
        headers = Map.copyOf(headers);
    }

    /** 200 with {@code body} as JSON (the shared {@link Json#MAPPER}). */
    public static Reply ok(Object body) {
        try {
            return new Reply(200, Json.MAPPER.writeValueAsString(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code status} with {@code {"error": message}}, like every error of the API. */
    public static Reply error(int status, String message) {
        Reply json = ok(Map.of("error", message));
        return new Reply(status, json.json(), Map.of());
    }

    public Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, json, more);
    }

    public boolean isOk() {
        return status == 200;
    }

    /** The body read back into {@code type} (to combine the answers of several instances). */
    public <T> T body(Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeTo(Context ctx) {
        ctx.status(status);
        headers.forEach(ctx::header);
        ctx.contentType("application/json");
        ctx.result(json);
    }
}
