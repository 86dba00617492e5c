package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.runtime.ServiceConfig;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
            app.get("/fatal", ctx -> {
                throw new AssertionError("secret detail");
            });
            app.get("/send-error", ctx -> ctx.res().sendError(418, "short and stout"));
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
    void aServerThatCannotStartSaysWhy() {
        int taken = server.port();
        ServiceConfig http = ServiceConfig.of("http-test", true, Map.of(ServiceConfig.HTTP_PORT, String.valueOf(taken)));
        assertThatThrownBy(() -> HttpServer.start(http, streams, () -> { }, routes -> { }))
                .hasMessageContaining(String.valueOf(taken));
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

        HttpResponse<String> bigId = get("/ids/9223372036854775808");
        assertThat(bigId.statusCode()).isEqualTo(400);
        assertThat(json(bigId).get("error").asText())
                .isEqualTo("id must be an integer between -9223372036854775808 and 9223372036854775807, got '9223372036854775808'");

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
        for (String path : new String[] {"/boom", "/unknown-store", "/fatal"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(500);
            assertThat(response.body()).as(path).isEqualTo("{\"error\":\"internal error\"}");
        }
    }

    @Test
    void anErrorSentThroughTheServletApiIsJsonToo() throws Exception {
        HttpResponse<String> response = get("/send-error");
        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(json(response).get("error").asText()).isEqualTo("short and stout");
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
                .contains("kafka_producer_")
                .contains("# HELP dead_letter_records_total records this instance sent to its dead-letter topic")
                .containsPattern("(?m)^dead_letter_records_total \\d+\\.0$");
    }

    @Test
    void theManagementEndpointsCanHaveAPortOfTheirOwn() throws Exception {
        int management;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            management = free.getLocalPort();
        }
        try (HttpServer split = HttpServer.start(0, management, HttpSecurity.NONE, streams, () -> { }, app -> app.get("/q", ctx -> ctx.json(Map.of("q", 1))))) {
            assertThat(split.managementPort()).isEqualTo(management).isNotEqualTo(split.port());
            assertThat(status(split.port(), "/q")).isEqualTo(200);
            assertThat(status(split.port(), "/health/live")).isEqualTo(404);
            assertThat(status(split.port(), "/metrics")).isEqualTo(404);
            assertThat(status(management, "/health/live")).isEqualTo(200);
            assertThat(status(management, "/health/ready")).isEqualTo(503);
            assertThat(status(management, "/metrics")).isEqualTo(200);
            assertThat(status(management, "/q")).isEqualTo(404);
        }
        assertThatThrownBy(() -> status(management, "/health/live")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aServiceWithoutQueriesServesOnlyTheManagementEndpoints() throws Exception {
        ServiceConfig config = ServiceConfig.of("http-test", false, Map.of(ServiceConfig.MANAGEMENT_PORT, "0"));
        try (HttpServer management = HttpServer.startManagement(config, streams)) {
            assertThat(management.port()).isEqualTo(management.managementPort());
            assertThat(status(management.port(), "/health/live")).isEqualTo(200);
            assertThat(status(management.port(), "/health/ready")).isEqualTo(503);
            assertThat(status(management.port(), "/metrics")).isEqualTo(200);
            assertThat(status(management.port(), "/stats/x")).isEqualTo(404);
        }
    }

    private static int status(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void instantParametersThatOverflowAre400sThatNameTheParameterAndWhy() throws Exception {
        for (String at : new String[] {"9223372036854775808", "-9223372036854775809", "99999999999999999999999999",
                "%2B292278994-08-17T07:12:55.808Z", "%2B1000000000-12-31T23:59:59.999999999Z", "%2B1000000001-01-01T00:00:00Z",
                "-1000000001-01-01T00:00:00Z"}) {
            HttpResponse<String> response = get("/at?at=" + at);
            assertThat(response.statusCode()).as(at).isEqualTo(400);
            assertThat(json(response).get("error").asText()).as(at)
                    .startsWith("at is out of range: it must be between -292275055-05-16T16:47:04.192Z and +292278994-08-17T07:12:55.807Z"
                            + " (epoch milliseconds -9223372036854775808 to 9223372036854775807), got '");
        }
        assertThat(json(get("/at?at=9223372036854775807")).get("at").asText()).isEqualTo("+292278994-08-17T07:12:55.807Z");
        assertThat(json(get("/at?at=-292275055-05-16T16:47:04.192Z")).get("at").asText()).isEqualTo("-292275055-05-16T16:47:04.192Z");

        RawResponse undecodable = raw("GET /at?at=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(undecodable.status()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(undecodable.body()).get("error").asText()).isEqualTo("at is not valid URL encoding");
        HttpResponse<String> twice = get("/at?at=1&at=2");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(json(twice).get("error").asText()).isEqualTo("at must be given once, got it 2 times");
    }

    /** What Jetty refuses before Javalin sees the request; each must be JSON, never Jetty's HTML page. */
    static Stream<Arguments> requestsJettyRefuses() {
        String longHeader = "X-Big: " + "a".repeat(9000) + "\r\n";
        return Stream.of(
                Arguments.of("encoded dot segments (the issue's path)", "GET /echo/%2e%2e%2f%2e%2e%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Bad Request"),
                Arguments.of("an encoded '..' segment", "GET /echo/%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Ambiguous URI path segment"),
                Arguments.of("an encoded '.' segment", "GET /echo/%2e HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Ambiguous URI path segment"),
                Arguments.of("an empty segment", "GET /echo//x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Ambiguous URI empty segment"),
                Arguments.of("a bad percent escape", "GET /echo/a%zzb HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Bad Request"),
                Arguments.of("an encoded NUL", "GET /echo/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Bad Request"),
                Arguments.of("a raw space in the URI", "GET /echo/a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Illegal character SPACE=' '"),
                Arguments.of("a URI that does not parse", "GET http://[bad/x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Bad Request"),
                Arguments.of("no URI", "garbage\r\n\r\n", 400, "No URI"),
                Arguments.of("headers too large", "GET /echo/x HTTP/1.1\r\nHost: x\r\n" + longHeader + "\r\n", 431, "Request Header Fields Too Large"),
                Arguments.of("a URI too long", "GET /echo/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "URI Too Long"),
                Arguments.of("no Host", "GET /echo/x HTTP/1.1\r\n\r\n", 400, "No Host"),
                Arguments.of("two Hosts", "GET /echo/x HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "Duplicate Host Header"),
                Arguments.of("a bad header line", "GET /echo/x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, "Illegal character SPACE=' '"),
                Arguments.of("a bad Content-Length", "POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, "Invalid Content-Length Value"),
                Arguments.of("an unsupported HTTP version", "GET /echo/x HTTP/3.0\r\nHost: x\r\n\r\n", 505, "Unsupported Version"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestsJettyRefuses")
    void whatJettyRefusesItselfIsAnsweredAsJson(String what, String request, int status, String error) throws Exception {
        RawResponse response = raw(request);
        assertThat(response.status()).as(what).isEqualTo(status);
        assertThat(response.header("content-type")).as(what).startsWith("application/json");
        assertThat(response.body()).as(what).doesNotContain("<").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).as(what).isEqualTo(error);
    }

    @Test
    void anUnsupportedMethodIs405WithAllowOrA404ForAnUnknownPath() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "FOO"}) {
            RawResponse known = raw(method + " /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(known.status()).as(method).isEqualTo(405);
            assertThat(known.header("allow")).as(method).isEqualTo("GET");
            assertThat(known.header("content-type")).as(method).startsWith("application/json");
            assertThat(Json.MAPPER.readTree(known.body()).get("error").asText()).as(method)
                    .isEqualTo("method " + method + " is not allowed on /echo/x; allowed: GET");

            RawResponse unknown = raw(method + " /no/such/route HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(unknown.status()).as(method).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(unknown.body()).get("error").asText()).as(method)
                    .isEqualTo("Endpoint " + method + " /no/such/route not found");
        }
    }

    record RawResponse(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name);
        }
    }

    /** Sends {@code request} as it is on a socket (a client library would refuse most of these) and reads the whole answer. */
    static RawResponse raw(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String[] head = answer.substring(0, end).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(head[0].split(" ")[1]), headers, answer.substring(end + 4));
        }
    }
}
