package io.orderpipeline.revenue;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Services;
import io.orderpipeline.http.HttpSecurity;
import io.orderpipeline.http.Reply;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The live dashboard: {@code GET /} is a page (one HTML, one JS, one CSS, and uPlot from its WebJar,
 * all from this jar) that polls this instance's own API ({@code /revenue}, {@code /revenue/{product}})
 * and two routes of its own, which ask the other services server-side so that the browser talks to
 * this instance only and the dashboard needs no Kafka permissions of its own:
 * <ul>
 *   <li>{@code GET /dashboard/services}: each configured service's {@code /health/ready} and its consumer
 *       lag read from its {@code /metrics} ({@link #lag}); a service without an address is "no endpoint configured"</li>
 *   <li>{@code GET /dashboard/alerts?limit=}: customer-stats' {@code GET /alerts?limit=}, as it answered</li>
 * </ul>
 * The services come from {@value #SERVICES}: {@code name=http://host:port} or {@code name} (no endpoint),
 * comma-separated; {@code self} is this instance ({@code APPLICATION_SERVER}). Alerts are asked of the
 * services named {@value #CUSTOMER_STATS} or {@value #CUSTOMER_STATS}{@code -...}, in order, the first that answers.
 * With the suite's TLS or credentials on ({@link HttpSecurity}), the services are asked as the instances
 * ask each other: trusting the suite's certificates, sending its credentials.
 */
final class Dashboard {

    /** Environment variable: the services the dashboard shows, {@code name[=url],...}. */
    static final String SERVICES = EnvVariable.DASHBOARD_SERVICES.name();
    /** Every service of the inventory, without an endpoint; this instance as product-revenue. */
    static final String DEFAULT_SERVICES = Services.ALL.stream()
            .map(s -> s == Services.PRODUCT_REVENUE ? s.name() + "=self" : s.name()).collect(Collectors.joining(","));
    static final String CUSTOMER_STATS = Services.CUSTOMER_STATS.name();
    static final String NO_ENDPOINT = "no endpoint configured";
    /** The Kafka consumer metrics read for lag: per partition (summed), else the client's maximum. */
    static final String RECORDS_LAG = "kafka_consumer_fetch_manager_records_lag";
    static final String RECORDS_LAG_MAX = "kafka_consumer_fetch_manager_records_lag_max";

    private static final String ASSETS = "/dashboard/";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A service the dashboard shows; {@code url} null: no endpoint configured. */
    record Service(String name, String url) {
    }

    /** One service as {@code GET /dashboard/services} shows it; {@code lag} null when unknown. */
    record ServiceStatus(String name, String url, String health, String detail, Long lag) {
    }

    record Statuses(List<ServiceStatus> services) {
    }

    private record Asset(String resource, String contentType) {
    }

    private final List<Service> services;
    private final Map<String, Asset> assets;
    private final HttpClient client;
    private final HttpSecurity security;

    Dashboard(List<Service> services, HttpSecurity security) {
        this.services = List.copyOf(services);
        this.security = security;
        this.client = security.client().connectTimeout(TIMEOUT).build();
        String uplot = "/META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
        this.assets = Map.of(
                "dashboard.js", new Asset(ASSETS + "dashboard.js", "text/javascript; charset=utf-8"),
                "dashboard.css", new Asset(ASSETS + "dashboard.css", "text/css; charset=utf-8"),
                "uPlot.iife.min.js", new Asset(uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "uPlot.min.css", new Asset(uplot + "uPlot.min.css", "text/css; charset=utf-8"));
    }

    static Dashboard from(ServiceConfig config) {
        HttpSecurity security = HttpSecurity.from(config);
        return new Dashboard(services(config.get(SERVICES, DEFAULT_SERVICES), security.scheme() + "://" + config.applicationServer()),
                security);
    }

    /** {@code name[=url],...}; {@code self} is {@code self}; a URL must be http(s) with a host. */
    static List<Service> services(String value, String self) {
        List<Service> services = new ArrayList<>();
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split("=", 2);
            String name = parts[0].trim();
            String url = parts.length == 2 ? parts[1].trim() : "";
            if (name.isEmpty()) {
                throw new IllegalArgumentException(SERVICES + ": a service needs a name, got '" + item.trim() + "'");
            }
            if (url.equals("self")) {
                url = self;
            }
            if (!url.isEmpty()) {
                URI uri;
                try {
                    uri = URI.create(url);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(SERVICES + ": " + name + " has a bad URL '" + url + "'", e);
                }
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException(SERVICES + ": " + name + " needs an http:// or https:// URL, got '" + url + "'");
                }
                url = url.replaceAll("/+$", "");
            }
            services.add(new Service(name, url.isEmpty() ? null : url));
        }
        return services;
    }

    void register(Javalin app) {
        app.get("/", ctx -> asset(ctx, new Asset(ASSETS + "index.html", "text/html; charset=utf-8")));
        app.get(ASSETS + "services", ctx -> Reply.ok(status()).writeTo(ctx));
        app.get(ASSETS + "alerts", this::alerts);
        app.get(ASSETS + "{asset}", ctx -> {
            Asset asset = assets.get(ctx.pathParam("asset"));
            if (asset == null) {
                throw new NotFoundResponse("no dashboard asset " + ctx.pathParam("asset"));
            }
            asset(ctx, asset);
        });
    }

    private static void asset(Context ctx, Asset asset) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(asset.resource())) {
            if (in == null) {
                throw new IllegalStateException(asset.resource() + " is not in the jar");
            }
            ctx.contentType(asset.contentType()).header("Cache-Control", "no-cache").result(in.readAllBytes());
        }
    }

    /** Every configured service's health and lag, asked at once. */
    Statuses status() {
        List<CompletableFuture<ServiceStatus>> asked = new ArrayList<>();
        for (Service service : services) {
            asked.add(service.url() == null
                    ? CompletableFuture.completedFuture(new ServiceStatus(service.name(), null, NO_ENDPOINT, null, null))
                    : status(service));
        }
        return new Statuses(asked.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<ServiceStatus> status(Service service) {
        CompletableFuture<HttpResponse<String>> ready = get(service.url() + "/health/ready");
        CompletableFuture<HttpResponse<String>> metrics = get(service.url() + "/metrics");
        return ready.handle((response, failure) -> response).thenCombine(metrics.handle((response, failure) -> response),
                (health, scraped) -> {
                    Long lag = scraped == null || scraped.statusCode() != 200 ? null : lag(scraped.body());
                    if (health == null) {
                        return new ServiceStatus(service.name(), service.url(), "unreachable", "no answer from " + service.url(), lag);
                    }
                    return health.statusCode() == 200
                            ? new ServiceStatus(service.name(), service.url(), "ready", null, lag)
                            : new ServiceStatus(service.name(), service.url(), "not ready", health.statusCode() + " " + health.body(), lag);
                });
    }

    /**
     * The consumer lag in a Prometheus scrape: the sum of {@value #RECORDS_LAG} over the partitions the
     * stream threads' consumers read (restore consumers left out), else the largest
     * {@value #RECORDS_LAG_MAX}; null when neither has a value (no partition assigned yet).
     */
    static Long lag(String scrape) {
        double sum = 0;
        boolean any = false;
        double max = Double.NaN;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || line.contains("restore-consumer")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            String name = line.substring(0, brace >= 0 ? brace : Math.max(space, 0));
            if (!name.equals(RECORDS_LAG) && !name.equals(RECORDS_LAG_MAX)) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(value) || value < 0) {
                continue;
            }
            if (name.equals(RECORDS_LAG)) {
                sum += value;
                any = true;
            } else if (Double.isNaN(max) || value > max) {
                max = value;
            }
        }
        return any ? Long.valueOf(Math.round(sum)) : Double.isNaN(max) ? null : Long.valueOf(Math.round(max));
    }

    /** customer-stats' latest alerts, as the first instance that answers gave them. */
    private void alerts(Context ctx) {
        String limit = ctx.queryParam("limit");
        String query = limit == null ? "" : "?limit=" + URLEncoder.encode(limit, StandardCharsets.UTF_8);
        List<String> tried = new ArrayList<>();
        for (Service service : services) {
            if (service.url() == null || !(service.name().equals(CUSTOMER_STATS) || service.name().startsWith(CUSTOMER_STATS + "-"))) {
                continue;
            }
            try {
                HttpResponse<String> response = get(service.url() + "/alerts" + query).join();
                new Reply(response.statusCode(), response.body(), Map.of()).writeTo(ctx);
                return;
            } catch (RuntimeException e) {
                tried.add(service.url());
            }
        }
        Reply.error(503, tried.isEmpty()
                ? "no " + CUSTOMER_STATS + " endpoint configured (" + SERVICES + ")"
                : CUSTOMER_STATS + " did not answer at " + String.join(", ", tried)).writeTo(ctx);
    }

    private CompletableFuture<HttpResponse<String>> get(String url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
        security.authorization().ifPresent(value -> request.header("Authorization", value));
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The version of a WebJar on the classpath, from its Maven metadata (in the shaded jar too). */
    static String webJarVersion(String artifact) {
        String path = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the classpath: the " + artifact + " WebJar is missing");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
