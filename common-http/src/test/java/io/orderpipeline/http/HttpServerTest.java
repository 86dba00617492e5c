package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared HTTP layer on a real server (port 0) with fake routes: parameters, error mapping, health, metrics. */
class HttpServerTest {

    record Sample(String product, BigDecimal revenue, Instant windowStart) {
    }

    @TempDir
    static Path stateDir;
    static KafkaStreams streams;
    static HttpServer server;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        streams = TestStreams.unstarted(stateDir);
        server = HttpServer.start(0, streams, () -> { }, app -> {
            app.get("/echo/{name}", ctx -> ctx.json(java.util.Map.of("name", Params.text(ctx, "name"))));
            app.get("/at", ctx -> ctx.json(java.util.Map.of("at", Params.instant(ctx, "at", Instant.EPOCH))));
            app.get("/ids/{id}", ctx -> ctx.json(java.util.Map.of("id", Params.integer(ctx, "id"))));
            app.get("/sample", ctx -> Reply.ok(new Sample("keyboard", new BigDecimal("0.30"), Instant.parse("2026-11-24T10:00:00Z"))).writeTo(ctx));
            app.get("/unavailable", ctx -> {
                throw new StoreUnavailableException("rebalancing");
            });
            app.get("/invalid-store", ctx -> {
                throw new InvalidStateStoreException("store is migrating");
            });
            app.get("/unknown-store", ctx -> {
                throw new UnknownStateStoreException("no such store");
            });
            app.get("/boom", ctx -> {
                throw new IllegalStateException("secret detail");
            });
        });
    }

    @AfterAll
    static void stop() {
        server.close();
        streams.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void aServiceWhoseHttpCannotStartDoesNotRunOnWithoutIt() {
        StreamsApp app = StreamsApp.start(ServiceConfig.of("http-test", false, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                ServiceConfig.APPLICATION_ID, "http-start-test",
                ServiceConfig.STATE_DIR, stateDir.resolve("start-test").toString())), TestStreams.topology());
        int taken = server.port();
        assertThatThrownBy(() -> HttpServer.startFor(app, taken, () -> { }, routes -> { }))
                .hasMessageContaining(String.valueOf(taken));
        assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    @Test
    void answersAreJsonFromTheSharedMapper() throws Exception {
        HttpResponse<String> response = get("/sample");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"product\":\"keyboard\",\"revenue\":0.30,\"window_start\":\"2026-11-24T10:00:00Z\"}");
    }

    @Test
    void pathParametersAreUrlDecoded() throws Exception {
        assertThat(json(get("/echo/a%2Fb")).get("name").asText()).isEqualTo("a/b");
        assertThat(json(get("/echo/caf%C3%A9%20cr%C3%A8me")).get("name").asText()).isEqualTo("café crème");
        assertThat(json(get("/echo/a+b")).get("name").asText()).isEqualTo("a+b");
        assertThat(json(get("/echo/%E2%82%AC%3F%26%23")).get("name").asText()).isEqualTo("€?&#");
    }

    @Test
    void badParametersAre400WithAnErrorBody() throws Exception {
        HttpResponse<String> blank = get("/echo/%20");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(json(blank).get("error").asText()).isEqualTo("name must not be blank");

        HttpResponse<String> control = get("/echo/a%0Ab");
        assertThat(control.statusCode()).isEqualTo(400);
        assertThat(json(control).get("error").asText()).isEqualTo("name must not contain control characters");

        HttpResponse<String> at = get("/at?at=yesterday");
        assertThat(at.statusCode()).isEqualTo(400);
        assertThat(json(at).get("error").asText()).contains("at must be epoch milliseconds or an ISO-8601 instant");

        HttpResponse<String> id = get("/ids/4x2");
        assertThat(id.statusCode()).isEqualTo(400);
        assertThat(json(id).get("error").asText()).isEqualTo("id must be an integer, got '4x2'");

        assertThat(json(get("/at?at=2026-11-24T10:15:00Z")).get("at").asText()).isEqualTo("2026-11-24T10:15:00Z");
        assertThat(json(get("/ids/-42")).get("id").asLong()).isEqualTo(-42);
    }

    @Test
    void unknownRoutesAre404WithAnErrorBody() throws Exception {
        HttpResponse<String> response = get("/no/such/route");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error").asText()).contains("not found");
    }

    @Test
    void unavailableStoresAre503WithRetryAfter() throws Exception {
        for (String path : new String[] {"/unavailable", "/invalid-store"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("1");
            assertThat(json(response).get("error").asText()).as(path).startsWith("not available right now, retry shortly");
        }
    }

    @Test
    void failuresAre500WithAGenericMessageAndNoStackTrace() throws Exception {
        for (String path : new String[] {"/boom", "/unknown-store"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(500);
            assertThat(response.body()).as(path).isEqualTo("{\"error\":\"internal error\"}");
        }
    }

    @Test
    void liveWhileServingButNotReadyUntilTheStreamsAppRuns() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(ready).get("error").asText()).contains("CREATED");
    }

    @Test
    void metricsArePrometheusTextWithRequestsByRouteTemplateJvmAndStreams() throws Exception {
        get("/echo/one");
        get("/echo/two");
        get("/echo/%20");
        get("/no/such/route");
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        String text = response.body();
        assertThat(text)
                .contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/echo/{name}\"}")
                .contains("http_server_requests_seconds_count{method=\"GET\",status=\"400\",uri=\"/echo/{name}\"} 1")
                .contains("http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"UNMATCHED\"}")
                .contains("http_server_requests_seconds_sum{")
                .doesNotContain("uri=\"/echo/one\"")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads")
                .contains("jvm_classes_loaded_classes")
                .contains("system_cpu_count")
                .contains("kafka_stream_")
                .contains("kafka_consumer_")
                .contains("kafka_producer_");
    }
}
