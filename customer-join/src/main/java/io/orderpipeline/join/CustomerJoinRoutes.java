package io.orderpipeline.join;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.orderpipeline.http.Forwarder;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Params;
import io.orderpipeline.http.QueryRouting;
import io.orderpipeline.http.Reply;
import io.orderpipeline.runtime.ServiceConfig;
import java.time.Instant;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The HTTP API of customer-join (CONTRACT.md, HTTP): the versioned table of customers.
 * <ul>
 *   <li>{@code GET /customers/{customer_id}}: the current version, or 404 (never seen, or deleted)</li>
 *   <li>{@code GET /customers/{customer_id}?at=}: the version valid at {@code at} (epoch millis or ISO-8601)</li>
 *   <li>{@code GET /customers/{customer_id}/history?from=&to=}: every version valid at some time in [from, to], oldest first</li>
 * </ul>
 * 400 for a customer id that is not an integer, a bad instant, {@code from > to}, or an instant older
 * than the history kept ({@link CustomerJoinQueryService} tells that from "no such customer then").
 */
record CustomerJoinRoutes(Queries service) {

    /** What the routes ask; {@link CustomerJoinQueryService} answers (a fake in the routes' tests). */
    interface Queries {
        Reply current(long customerId, boolean forwarded);

        Reply asOf(long customerId, Instant at, boolean forwarded);

        /** {@code from}, {@code to}: null when not given (no bound). */
        Reply history(long customerId, Instant from, Instant to, boolean forwarded);
    }

    /**
     * Starts customer-join's HTTP server on {@code HTTP_PORT} (health and metrics on
     * {@code MANAGEMENT_PORT} if set), answering as {@code APPLICATION_SERVER}.
     */
    static HttpServer start(ServiceConfig config, KafkaStreams streams) {
        CustomerJoinQueryService service = new CustomerJoinQueryService(QueryRouting.of(config, streams));
        return HttpServer.start(config, streams, service::checkReady, new CustomerJoinRoutes(service)::register);
    }

    void register(Javalin app) {
        app.get("/customers/{customer_id}", this::customer);
        app.get("/customers/{customer_id}/history", this::history);
    }

    private void customer(Context ctx) {
        long customerId = Params.integer(ctx, "customer_id");
        Instant at = Params.instant(ctx, "at", null);
        (at == null ? service.current(customerId, forwarded(ctx)) : service.asOf(customerId, at, forwarded(ctx))).writeTo(ctx);
    }

    private void history(Context ctx) {
        long customerId = Params.integer(ctx, "customer_id");
        Instant from = Params.instant(ctx, "from", null);
        Instant to = Params.instant(ctx, "to", null);
        if (from != null && to != null && from.isAfter(to)) {
            throw new BadRequestResponse("from (" + from + ") must not be after to (" + to + ")");
        }
        service.history(customerId, from, to, forwarded(ctx)).writeTo(ctx);
    }

    private static boolean forwarded(Context ctx) {
        return ctx.header(Forwarder.FORWARDED_BY) != null;
    }
}
