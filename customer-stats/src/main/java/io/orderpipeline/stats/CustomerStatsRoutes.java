package io.orderpipeline.stats;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;
import io.orderpipeline.http.Forwarder;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Params;
import io.orderpipeline.http.Reply;
import io.orderpipeline.http.StoreQueries;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The HTTP API of customer-stats (CONTRACT.md, HTTP): {@code GET /customers/{customer_id}/stats},
 * 400 when the id is not an integer, 404 when the customer has no orders; answers from
 * {@link CustomerStatsQueryService}.
 */
final class CustomerStatsRoutes {

    /** What the routes ask; {@link CustomerStatsQueryService} answers (a fake in the routes' tests). */
    interface Queries {
        Reply stats(long customerId, boolean forwarded);
    }

    private final Queries service;

    CustomerStatsRoutes(Queries service) {
        this.service = service;
    }

    /**
     * Starts customer-stats' HTTP server on {@code HTTP_PORT}, answering as {@code APPLICATION_SERVER},
     * closed by {@code app} before its streams app ({@link HttpServer#startFor}).
     */
    static HttpServer start(ServiceConfig config, StreamsApp app) {
        CustomerStatsQueryService service = new CustomerStatsQueryService(
                new StoreQueries(app.streams(), CustomerStatsTopology.STORE, config.queryIsolation()),
                new Forwarder(HostInfo.buildFromEndpoint(config.applicationServer())));
        return HttpServer.startFor(app, config.httpPort(), service::checkReady, new CustomerStatsRoutes(service)::register);
    }

    void register(Javalin app) {
        app.get("/customers/{customer_id}/stats", this::stats);
    }

    private void stats(Context ctx) {
        long customerId = Params.integer(ctx, "customer_id");
        service.stats(customerId, ctx.header(Forwarder.FORWARDED_BY) != null).writeTo(ctx);
    }
}
