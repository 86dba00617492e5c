package io.orderpipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Json;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestHttp;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Reply;
import io.orderpipeline.http.StoreUnavailableException;
import io.orderpipeline.runtime.ServiceConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** product-revenue's routes on a real server (port 0) with a fake query service: what reaches it, and the 400s. */
class ProductRevenueRoutesTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

    /** Answers with the call it got, so the test sees the parsed parameters. */
    static final class FakeQueries implements ProductRevenueRoutes.Queries {
        volatile boolean unavailable;

        Reply answer(String call) {
            if (unavailable) {
                throw new StoreUnavailableException("restoring");
            }
            return Reply.ok(Map.of("call", call));
        }

        @Override
        public Reply stats(String product, Instant at, boolean forwarded) {
            return answer("stats " + product + " " + at + " " + forwarded);
        }

        @Override
        public Reply revenue(String product, Instant from, Instant to, boolean forwarded) {
            return answer("revenue " + product + " " + from + " " + to + " " + forwarded);
        }

        @Override
        public Reply allProducts(Instant at) {
            return answer("all " + at);
        }

        @Override
        public Reply localProducts(Instant at) {
            return answer("local " + at);
        }
    }

    @TempDir
    static Path stateDir;
    static KafkaStreams streams;
    static HttpServer server;
    static final FakeQueries fake = new FakeQueries();
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", ServiceConfig.STATE_DIR, stateDir.toString()));
        streams = new KafkaStreams(ProductRevenueTopology.build(Duration.ZERO), config.streamsProperties());
        server = HttpServer.start(0, streams, () -> { },
                new ProductRevenueRoutes(fake, Clock.fixed(NOW, ZoneOffset.UTC))::register);
    }

    @AfterAll
    static void stop() {
        server.close();
        streams.close();
    }

    @BeforeEach
    void available() {
        fake.unavailable = false;
    }

    static HttpResponse<String> get(String path, String... headers) {
        return TestHttp.get("http://127.0.0.1:" + server.port() + path, headers);
    }

    static String call(String path, String... headers) throws Exception {
        HttpResponse<String> response = get(path, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body()).get("call").asText();
    }

    static String error(String path, int status) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.MAPPER.readTree(response.body()).get("error").asText();
    }

    @Test
    void statsDefaultsToNowAndTakesAtAsMillisOrIso() throws Exception {
        assertThat(call("/stats/keyboard")).isEqualTo("stats keyboard 2026-11-24T10:30:00Z false");
        assertThat(call("/stats/keyboard?at=2026-11-24T09:15:00Z")).isEqualTo("stats keyboard 2026-11-24T09:15:00Z false");
        assertThat(call("/stats/keyboard?at=" + NOW.minusSeconds(60).toEpochMilli())).isEqualTo("stats keyboard 2026-11-24T10:29:00Z false");
    }

    @Test
    void productNamesAreUrlDecoded() throws Exception {
        assertThat(call("/stats/usb-c%2Fhub%20%C3%A9dition")).startsWith("stats usb-c/hub édition ");
        assertThat(call("/revenue/%E9%94%AE%E7%9B%98")).startsWith("revenue 键盘 ");
        assertThat(call("/stats/a+b")).startsWith("stats a+b ");
    }

    @Test
    void revenueDefaultsToTheLast24Hours() throws Exception {
        assertThat(call("/revenue/keyboard")).isEqualTo("revenue keyboard 2026-11-23T10:30:00Z 2026-11-24T10:30:00Z false");
        assertThat(call("/revenue/keyboard?from=2026-11-24T08:00:00Z&to=2026-11-24T09:00:00Z"))
                .isEqualTo("revenue keyboard 2026-11-24T08:00:00Z 2026-11-24T09:00:00Z false");
        assertThat(call("/revenue/keyboard?from=2026-11-24T10:00:00Z&to=2026-11-24T10:00:00Z"))
                .as("from = to: the one window starting then")
                .isEqualTo("revenue keyboard 2026-11-24T10:00:00Z 2026-11-24T10:00:00Z false");
    }

    @Test
    void allProductsAndTheLocalPartDefaultToNow() throws Exception {
        assertThat(call("/revenue")).isEqualTo("all 2026-11-24T10:30:00Z");
        assertThat(call("/revenue?at=2026-11-24T09:59:59.999Z")).isEqualTo("all 2026-11-24T09:59:59.999Z");
        assertThat(call("/internal/revenue?at=0")).isEqualTo("local 1970-01-01T00:00:00Z");
    }

    @Test
    void badParametersAre400() throws Exception {
        assertThat(error("/stats/keyboard?at=yesterday", 400)).contains("at must be epoch milliseconds or an ISO-8601 instant");
        assertThat(error("/revenue/keyboard?from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z", 400))
                .isEqualTo("from (2026-11-24T10:00:00Z) must not be after to (2026-11-24T09:00:00Z)");
        assertThat(error("/revenue/keyboard?from=2026-11-23T10:29:59Z", 400))
                .isEqualTo("from (2026-11-23T10:29:59Z) is older than the 24 h the windows are kept: nothing before 2026-11-23T10:30:00Z can be answered");
        assertThat(error("/stats/keyboard?at=0", 400)).contains("older than the 24 h");
        assertThat(error("/revenue?at=2026-11-01T00:00:00Z", 400)).contains("older than the 24 h");
        assertThat(error("/revenue/keyboard?to=soon", 400)).contains("to must be epoch milliseconds");
        assertThat(error("/stats/%20", 400)).isEqualTo("product must not be blank");
    }

    @Test
    void theDefaultsPassTheRetentionCheckWhileTheClockMovesOn() throws Exception {
        Clock ticking = new Clock() { // a millisecond later at every reading
            long millis = NOW.toEpochMilli();

            @Override
            public synchronized Instant instant() {
                return Instant.ofEpochMilli(millis++);
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        try (HttpServer moving = HttpServer.start(0, streams, () -> { }, new ProductRevenueRoutes(fake, ticking)::register)) {
            for (String path : new String[] {"/revenue/keyboard", "/stats/keyboard", "/revenue"}) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + moving.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void aForwardedRequestIsMarkedAndNotCheckedAgainstThisClock() throws Exception {
        assertThat(call("/stats/keyboard?at=2026-11-23T10:29:59Z", "X-Forwarded-By", "other:8080"))
                .isEqualTo("stats keyboard 2026-11-23T10:29:59Z true");
    }

    @Test
    void unknownRoutesAre404AndUnavailableStores503() throws Exception {
        assertThat(error("/stats", 404)).contains("not found");
        assertThat(error("/stats/a/b", 404)).contains("not found");
        fake.unavailable = true;
        HttpResponse<String> response = get("/stats/keyboard");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).contains("restoring");
    }
}
