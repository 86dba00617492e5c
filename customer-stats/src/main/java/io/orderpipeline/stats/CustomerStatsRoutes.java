package io.orderpipeline.stats;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.orderpipeline.http.Forwarder;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Params;
import io.orderpipeline.http.QueryRouting;
import io.orderpipeline.http.Reply;
import io.orderpipeline.runtime.ServiceConfig;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The HTTP API of customer-stats (CONTRACT.md, HTTP): {@code GET /customers/{customer_id}/stats},
 * 400 when the id is not an integer, 404 when the customer has no orders; {@code GET /alerts?limit=},
 * the latest alerts of every instance, newest first ({@code /internal/alerts}: this instance's
 * active partitions only, for the former); answers from {@link CustomerStatsQueryService}.
 */
record CustomerStatsRoutes(Queries service) {

    /** What the routes ask; {@link CustomerStatsQueryService} answers (a fake in the routes' tests). */
    interface Queries {
        Reply stats(long customerId, boolean forwarded);

        Reply alerts(int limit);

        Reply localAlerts(int limit);
    }

    /** How many alerts {@code GET /alerts} answers without {@code ?limit=}. */
    static final int DEFAULT_ALERTS = 20;

    /**
     * Starts customer-stats' HTTP server on {@code HTTP_PORT}, answering as {@code APPLICATION_SERVER}.
     */
    static HttpServer start(ServiceConfig config, KafkaStreams streams) {
        CustomerStatsQueryService service = new CustomerStatsQueryService(QueryRouting.of(config, streams));
        return HttpServer.start(config, streams, service::checkReady, new CustomerStatsRoutes(service)::register);
    }

    void register(Javalin app) {
        app.get("/customers/{customer_id}/stats", this::stats);
        app.get("/alerts", ctx -> service.alerts(limit(ctx)).writeTo(ctx));
        app.get("/internal/alerts", ctx -> service.localAlerts(limit(ctx)).writeTo(ctx));
    }

    /** {@code ?limit=}: 1 to {@value CustomerStatsTopology#ALERTS_KEPT} (what each partition keeps), default {@value #DEFAULT_ALERTS}. */
    static int limit(Context ctx) {
        List<String> values = ctx.queryParamMap().get("limit");
        if (values == null || values.size() == 1 && values.get(0).isBlank()) {
            return DEFAULT_ALERTS;
        }
        if (values.size() != 1) {
            throw new BadRequestResponse(values.isEmpty() ? "limit is not valid URL encoding"
                    : "limit must be given once, got it " + values.size() + " times");
        }
        String value = values.get(0).trim();
        int max = CustomerStatsTopology.ALERTS_KEPT;
        if (!value.matches("[0-9]{1,9}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > max) {
            throw new BadRequestResponse("limit must be an integer from 1 to " + max + ", got '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    private void stats(Context ctx) {
        long customerId = Params.integer(ctx, "customer_id");
        service.stats(customerId, ctx.header(Forwarder.FORWARDED_BY) != null).writeTo(ctx);
    }
}
