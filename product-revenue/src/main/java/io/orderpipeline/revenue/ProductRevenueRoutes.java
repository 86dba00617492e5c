package io.orderpipeline.revenue;

import static io.orderpipeline.revenue.ProductRevenueTopology.RETENTION;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.orderpipeline.http.Forwarder;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Params;
import io.orderpipeline.http.QueryRouting;
import io.orderpipeline.http.Reply;
import io.orderpipeline.runtime.ServiceConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The HTTP API of product-revenue (CONTRACT.md, HTTP): parameters checked here, answers from
 * {@link ProductRevenueQueryService}.
 * <ul>
 *   <li>{@code GET /stats/{product}?at=}: the window holding {@code at} (default now)</li>
 *   <li>{@code GET /revenue/{product}?from=&to=}: windows starting in [from, to] (default the last 24 hours)</li>
 *   <li>{@code GET /revenue?at=}: every product of the window holding {@code at}, all instances</li>
 *   <li>{@code GET /internal/revenue?at=}: the same from this instance's active partitions only (for the above)</li>
 *   <li>{@code GET /} and {@code /dashboard/...}: the live dashboard ({@link Dashboard})</li>
 * </ul>
 * Instants older than the store's 1-day retention are refused with 400: those windows are gone.
 */
record ProductRevenueRoutes(Queries service, Clock clock) {

    /** What the routes ask; {@link ProductRevenueQueryService} answers (a fake in the routes' tests). */
    interface Queries {
        Reply stats(String product, Instant at, boolean forwarded);

        Reply revenue(String product, Instant from, Instant to, boolean forwarded);

        Reply allProducts(Instant at);

        Reply localProducts(Instant at);
    }

    /**
     * Starts product-revenue's HTTP server on {@code HTTP_PORT}, answering as {@code APPLICATION_SERVER}.
     */
    static HttpServer start(ServiceConfig config, KafkaStreams streams) {
        ProductRevenueQueryService service = new ProductRevenueQueryService(QueryRouting.of(config, streams));
        ProductRevenueRoutes routes = new ProductRevenueRoutes(service, Clock.systemUTC());
        Dashboard dashboard = Dashboard.from(config);
        return HttpServer.start(config, streams, service::checkReady, javalin -> {
            routes.register(javalin);
            dashboard.register(javalin);
        });
    }

    void register(Javalin app) {
        app.get("/stats/{product}", this::stats);
        app.get("/revenue/{product}", this::productRevenue);
        app.get("/revenue", this::allProducts);
        app.get("/internal/revenue", this::localProducts);
    }

    private void stats(Context ctx) {
        Instant now = now();
        Instant at = retained(ctx, now, "at", Params.instant(ctx, "at", now));
        service.stats(Params.text(ctx, "product"), at, forwarded(ctx)).writeTo(ctx);
    }

    private void productRevenue(Context ctx) {
        String product = Params.text(ctx, "product");
        Instant now = now();
        Instant to = Params.instant(ctx, "to", now);
        Instant from = retained(ctx, now, "from", Params.instant(ctx, "from", now.minus(RETENTION)));
        if (from.isAfter(to)) {
            throw new BadRequestResponse("from (" + from + ") must not be after to (" + to + ")");
        }
        service.revenue(product, from, to, forwarded(ctx)).writeTo(ctx);
    }

    private void allProducts(Context ctx) {
        Instant now = now();
        service.allProducts(retained(ctx, now, "at", Params.instant(ctx, "at", now))).writeTo(ctx);
    }

    private void localProducts(Context ctx) {
        service.localProducts(Params.instant(ctx, "at", now())).writeTo(ctx);
    }

    /**
     * {@code instant}, unless it is older than the store keeps windows (then 400). A forwarded
     * request was checked by the instance that forwarded it (whose clock may be a little behind).
     */
    private Instant retained(Context ctx, Instant now, String name, Instant instant) {
        Instant oldest = now.minus(RETENTION);
        if (!forwarded(ctx) && instant.isBefore(oldest)) {
            throw new BadRequestResponse(name + " (" + instant + ") is older than the " + RETENTION.toHours()
                    + " h the windows are kept: nothing before " + oldest + " can be answered");
        }
        return instant;
    }

    /** Now, to the millisecond (the store's precision), read once per request. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static boolean forwarded(Context ctx) {
        return ctx.header(Forwarder.FORWARDED_BY) != null;
    }
}
