package io.orderpipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.json.JavalinJackson;
import io.orderpipeline.common.Json;
import io.orderpipeline.runtime.ServiceConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a service (Javalin on Jetty): its query routes, if it has any, plus the
 * management endpoints {@code GET /health/live}, {@code GET /health/ready} and {@code GET /metrics}
 * (on the query port, or on a port of their own: {@code MANAGEMENT_PORT}), JSON through the shared
 * {@link Json#MAPPER}, and every error as {@code {"error": "..."}}:
 * 400 bad parameter, 404 unknown route or key, 405 (with {@code Allow}) a known route asked with
 * another method, 503 with {@code Retry-After} while a store cannot answer, 500 with a generic
 * message (the cause is logged here, never sent); and what Jetty refuses itself (a URI it cannot
 * parse or finds ambiguous, a request line or headers too large, ...) with Jetty's status and reason.
 */
public final class HttpServer implements AutoCloseable {

    public static final String RETRY_AFTER = "Retry-After";
    /** Seconds a client should wait before asking again after a 503: a rebalance usually takes a few. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final String JSON = "application/json";
    /** As the management port: the management endpoints share the query port. */
    private static final int TOGETHER = -1;

    private final Javalin app;
    private final Javalin management;
    private final Metrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpServer(Javalin app, Javalin management, Metrics metrics) {
        this.app = app;
        this.management = management;
        this.metrics = metrics;
    }

    /**
     * Starts serving on {@code port} (0: any free port): the service's routes and the management
     * endpoints on one port.
     *
     * @param readiness throws (e.g. {@link StoreUnavailableException}) while the stores cannot be queried;
     *                  {@code /health/ready} is 200 when the app is RUNNING and this passes
     * @param routes    adds the service's own routes
     */
    public static HttpServer start(int port, KafkaStreams streams, Runnable readiness, Consumer<Javalin> routes) {
        return serve(port, TOGETHER, HttpSecurity.NONE, streams, readiness, routes);
    }

    /**
     * Starts the service's routes on {@code port} and {@code /health/live}, {@code /health/ready}
     * and {@code /metrics} on {@code managementPort}: one server when they are the same, else two
     * (the management endpoints then only on their own port).
     */
    public static HttpServer start(int port, int managementPort, HttpSecurity security, KafkaStreams streams, Runnable readiness,
                                   Consumer<Javalin> routes) {
        return serve(port, port == managementPort ? TOGETHER : managementPort, security, streams, readiness, routes);
    }

    /** {@code routes} null: management endpoints only, on {@code port}. */
    private static HttpServer serve(int port, int managementPort, HttpSecurity security, KafkaStreams streams, Runnable readiness,
                                    Consumer<Javalin> routes) {
        Metrics metrics = new Metrics(streams);
        Javalin app = null;
        try {
            Javalin management = create(metrics, security, managementPort == TOGETHER ? port : managementPort);
            management.get("/health/live", ctx -> ctx.json(Map.of("status", "live")));
            management.get("/health/ready", ctx -> {
                if (streams.state() != KafkaStreams.State.RUNNING) {
                    throw new StoreUnavailableException("the streams app is " + streams.state() + ", not RUNNING");
                }
                readiness.run();
                ctx.json(Map.of("status", "ready"));
            });
            management.get("/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));
            if (managementPort == TOGETHER || routes == null) {
                if (routes != null) {
                    routes.accept(management);
                }
                app = management.start();
                log.info("{} on {}:{}{}", security.scheme(), security.bindAddress(), app.port(), routes == null ? " (health, metrics)" : "");
                return new HttpServer(app, app, metrics);
            }
            app = create(metrics, security, port);
            routes.accept(app);
            app.start();
            management.start();
            log.info("{} on {}:{}, management (health, metrics) on port {}", security.scheme(), security.bindAddress(), app.port(),
                    management.port());
            return new HttpServer(app, management, metrics);
        } catch (RuntimeException e) {
            if (app != null) {
                app.stop();
            }
            metrics.close();
            throw e;
        }
    }

    /** Javalin with the shared JSON mapper and the suite's error answers, recording requests in {@code metrics}. */
    private static Javalin create(Metrics metrics, HttpSecurity security, int port) {
        Javalin app = Javalin.create(config -> {
            // one connector of ours: the bind address, the port and TLS from the settings
            config.jetty.addConnector((server, http) -> security.connector(server, http, port));
            config.showJavalinBanner = false;
            config.useVirtualThreads = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.requestLogger.http(metrics::record);
            // a product name may contain an encoded slash: /stats/a%2Fb is the product "a/b"
            config.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(
                    UriCompliance.DEFAULT.with("encoded-slash", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR)));
            // what Jetty refuses itself (bad URI, headers too large, ...) is answered as JSON too
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            // a java.lang.Error in a route (Javalin's own answer to it is an empty text/plain 500)
            config.pvt.javaLangErrorHandler((response, error) -> {
                log.error("request failed", error);
                response.setStatus(500);
                response.setContentType(JSON);
                try {
                    response.getOutputStream().write(errorBody(500, "internal error"));
                } catch (IOException e) {
                    log.debug("could not write the 500", e);
                }
            });
            // a known path asked with another method: 405 with Allow, not 404
            config.http.prefer405over404 = true;
        });
        app.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
            String allowed = e.getDetails().getOrDefault("availableMethods", "");
            ctx.header("Allow", allowed);
            error(ctx, 405, "method " + ctx.req().getMethod() + " is not allowed on " + ctx.path() + "; allowed: " + allowed);
        });
        // Javalin names a method it does not know INVALID: say which it was
        app.exception(NotFoundResponse.class, (e, ctx) -> error(ctx, 404, ctx.method() == HandlerType.INVALID
                ? "Endpoint " + ctx.req().getMethod() + " " + ctx.path() + " not found" : e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(StoreUnavailableException.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
        app.exception(InvalidStateStoreException.class, (e, ctx) -> {
            if (e instanceof UnknownStateStoreException) {
                internalError(ctx, e);
            } else {
                unavailable(ctx, e.getMessage());
            }
        });
        app.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
        app.before(security::authenticate);
        return app;
    }

    /**
     * The HTTP of a service with queries: {@code routes} on {@code HTTP_PORT}, health and metrics on
     * {@code MANAGEMENT_PORT} (default: the same port), TLS and credentials as {@link HttpSecurity}
     * reads them. Throws when it cannot start (a port is taken, a setting is wrong).
     */
    public static HttpServer start(ServiceConfig config, KafkaStreams streams, Runnable readiness, Consumer<Javalin> routes) {
        return start(config.httpPort(), config.managementPort(), HttpSecurity.from(config), streams, readiness, routes);
    }

    /** The HTTP of a service without queries: health (ready when RUNNING) and metrics on {@code MANAGEMENT_PORT}. */
    public static HttpServer startManagement(ServiceConfig config, KafkaStreams streams) {
        return serve(config.managementPort(), TOGETHER, HttpSecurity.from(config), streams, () -> { }, null);
    }

    /** The port actually bound (useful after starting on port 0). */
    public int port() {
        return app.port();
    }

    /** The port of {@code /health/*} and {@code /metrics}: {@link #port()} unless started with another one. */
    public int managementPort() {
        return management.port();
    }

    private static void error(io.javalin.http.Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message(status, message)));
    }

    /** The message of an error body: {@code message}, or the status's reason phrase when there is none. */
    private static String message(int status, String message) {
        return message == null || message.isBlank() ? HttpStatus.forStatus(status).getMessage() : message;
    }

    /** {@code {"error": message}} as bytes, for the errors Jetty writes itself. */
    private static byte[] errorBody(int status, String message) {
        try {
            return Json.MAPPER.writeValueAsBytes(Map.of("error", message(status, message)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Jetty's answers to requests it refuses before Javalin sees them (a URI it cannot parse or finds
     * ambiguous, a request line or headers too large, a missing Host, an unsupported HTTP version)
     * and to errors raised outside Javalin's handler: {@code {"error": "<Jetty's reason>"}} with
     * Jetty's status, instead of its HTML page. A 5xx raised inside a request keeps its reason to
     * the log: the body says only the status's reason phrase.
     */
    private static final class JsonErrorHandler extends ErrorHandler {

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, JSON);
            return ByteBuffer.wrap(errorBody(status, reason));
        }

        @Override
        protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                                  HttpServletResponse response, int code, String message) throws IOException {
            baseRequest.setHandled(true);
            response.setContentType(JSON);
            response.getOutputStream().write(errorBody(code, code >= 500 ? null : message));
        }
    }

    private static void unavailable(io.javalin.http.Context ctx, String message) {
        log.debug("503: {}", message);
        ctx.header(RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        error(ctx, 503, "not available right now, retry shortly: " + message);
    }

    private static void internalError(io.javalin.http.Context ctx, Exception e) {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal error");
    }

    /** Stops serving; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            app.stop();
            if (management != app) {
                management.stop();
            }
            metrics.close();
        }
    }
}
