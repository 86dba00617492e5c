package io.orderpipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Services;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes on a real server (port 0) in front of a fake customer-stats (the JDK's
 * HTTP server): the page and its assets from the jar, the services' health and lag, the alerts
 * passed through, and what an unreachable or unconfigured service looks like.
 */
class DashboardTest {

    static final String METRICS = """
            # HELP kafka_consumer_fetch_manager_records_lag_max The maximum lag
            # TYPE kafka_consumer_fetch_manager_records_lag_max gauge
            kafka_consumer_fetch_manager_records_lag_max{client_id="cs-StreamThread-1-consumer",kafka_version="4.4.0"} 40.0
            kafka_consumer_fetch_manager_records_lag{client_id="cs-StreamThread-1-consumer",partition="0",topic="orders"} 5.0
            kafka_consumer_fetch_manager_records_lag{client_id="cs-StreamThread-1-consumer",partition="1",topic="orders"} 7.0
            kafka_consumer_fetch_manager_records_lag{client_id="cs-StreamThread-1-restore-consumer",partition="0",topic="cs-changelog"} 900.0
            kafka_consumer_fetch_manager_records_lag{client_id="cs-StreamThread-1-consumer",partition="2",topic="orders"} NaN
            jvm_threads_live_threads 30.0
            """;

    @TempDir
    static Path stateDir;
    static KafkaStreams streams;
    static HttpServer server;
    static com.sun.net.httpserver.HttpServer customerStats;
    static final HttpClient client = HttpClient.newHttpClient();
    static volatile String authorization;
    static String services;

    @BeforeAll
    static void start() throws IOException {
        customerStats = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        customerStats.createContext("/", exchange -> {
            String path = exchange.getRequestURI().toString();
            authorization = exchange.getRequestHeaders().getFirst("Authorization");
            int status = 200;
            String body;
            if (path.equals("/health/ready")) {
                body = "{\"status\":\"ready\"}";
            } else if (path.equals("/metrics")) {
                body = METRICS;
            } else if (path.equals("/alerts?limit=2")) {
                body = "{\"alerts\":[{\"customer_id\":42,\"count\":3,\"total\":10000.10,\"threshold\":10000,\"alerted_at\":\"2026-11-24T10:15:00Z\"}]}";
            } else {
                status = 400;
                body = "{\"error\":\"limit must be an integer from 1 to 100, got 'x'\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        customerStats.start();
        services = "order-filter, customer-stats=http://127.0.0.1:" + customerStats.getAddress().getPort() + "/"
                + ",customer-join=http://127.0.0.1:" + KafkaBroker.freePort();
        ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", ServiceConfig.STATE_DIR, stateDir.toString(),
                Dashboard.SERVICES, services));
        streams = new KafkaStreams(ProductRevenueTopology.build(Duration.ZERO), config.streamsProperties());
        server = HttpServer.start(0, streams, () -> { }, Dashboard.from(config)::register);
    }

    @AfterAll
    static void stop() {
        server.close();
        streams.close();
        customerStats.stop(0);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndItsAssetsComeFromTheJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("/dashboard/dashboard.js", "/dashboard/uPlot.iife.min.js");
        for (String asset : List.of("dashboard.js", "dashboard.css", "uPlot.iife.min.js", "uPlot.min.css")) {
            HttpResponse<String> response = get("/dashboard/" + asset);
            assertThat(response.statusCode()).as(asset).isEqualTo(200);
            assertThat(response.body()).as(asset).isNotBlank();
        }
        assertThat(get("/dashboard/uPlot.iife.min.js").body()).contains("uPlot");
        assertThat(get("/dashboard/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/index2.html").statusCode()).isEqualTo(404);
    }

    @Test
    void eachServicesHealthAndLag() throws Exception {
        HttpResponse<String> response = get("/dashboard/services");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode services = Json.MAPPER.readTree(response.body()).get("services");
        assertThat(services).hasSize(3);
        assertThat(services.get(0).get("name").asText()).isEqualTo("order-filter");
        assertThat(services.get(0).get("health").asText()).isEqualTo(Dashboard.NO_ENDPOINT);
        assertThat(services.get(0).has("lag")).as("no lag known").isFalse();
        assertThat(services.get(1).get("health").asText()).isEqualTo("ready");
        assertThat(services.get(1).get("lag").asLong()).isEqualTo(12);
        assertThat(services.get(2).get("health").asText()).isEqualTo("unreachable");
        assertThat(services.get(2).has("lag")).as("no lag known").isFalse();
    }

    @Test
    void theAlertsAsCustomerStatsAnswered() throws Exception {
        HttpResponse<String> response = get("/dashboard/alerts?limit=2");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"total\":10000.10");
        HttpResponse<String> bad = get("/dashboard/alerts?limit=x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("limit must be");
    }

    @Test
    void theSuitesCredentialsAreSentWhenSet() {
        ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of(
                Dashboard.SERVICES, services, io.orderpipeline.common.EnvVariable.HTTP_AUTH_TOKEN.name(), "s3cret"));
        Dashboard.Statuses status = Dashboard.from(config).status();
        assertThat(status.services().get(1).health()).isEqualTo("ready");
        assertThat(authorization).isEqualTo("Bearer s3cret");
    }

    @Test
    void lagIsTheSumOverPartitionsElseTheMaximum() {
        assertThat(Dashboard.lag(METRICS)).isEqualTo(12);
        assertThat(Dashboard.lag("kafka_consumer_fetch_manager_records_lag_max{client_id=\"a\"} 3.0\n"
                + "kafka_consumer_fetch_manager_records_lag_max{client_id=\"b\"} 9.0\n")).isEqualTo(9);
        assertThat(Dashboard.lag("kafka_consumer_fetch_manager_records_lag_max{client_id=\"a\"} NaN\n")).isNull();
        assertThat(Dashboard.lag("jvm_threads_live_threads 30.0\n")).isNull();
    }

    @Test
    void servicesAreNamesWithOptionalAddresses() {
        assertThat(Dashboard.services("a, b=self ,c=https://c.example:8443/,", "http://me:8080")).containsExactly(
                new Dashboard.Service("a", null), new Dashboard.Service("b", "http://me:8080"),
                new Dashboard.Service("c", "https://c.example:8443"));
        assertThat(Dashboard.services(Dashboard.DEFAULT_SERVICES, "http://me:8080")).containsExactly(
                new Dashboard.Service("order-filter", null), new Dashboard.Service("order-enricher", null),
                new Dashboard.Service("customer-stats", null), new Dashboard.Service("product-revenue", "http://me:8080"),
                new Dashboard.Service("customer-join", null));
        assertThatThrownBy(() -> Dashboard.services("a=ftp://x", "http://me:8080")).hasMessageContaining("needs an http");
        assertThatThrownBy(() -> Dashboard.services("=http://x", "http://me:8080")).hasMessageContaining("needs a name");
    }
}
