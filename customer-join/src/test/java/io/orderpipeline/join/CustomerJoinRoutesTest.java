package io.orderpipeline.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Customer;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestHttp;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Reply;
import io.orderpipeline.http.StoreUnavailableException;
import io.orderpipeline.join.CustomerJoinQueryService.CustomerHistory;
import io.orderpipeline.join.CustomerJoinQueryService.CustomerVersion;
import io.orderpipeline.runtime.ServiceConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** customer-join's routes on a real server (port 0) with a fake query service. */
class CustomerJoinRoutesTest {

    static final Instant V1 = Instant.parse("2026-11-24T09:00:00Z");
    static final Instant V2 = Instant.parse("2026-11-24T10:30:00Z");
    static final CustomerVersion ADA = CustomerVersion.of(42,
            new VersionedRecord<>(new Customer(42, "Ada Lovelace", "enterprise", "GB"), V1.toEpochMilli(), V2.toEpochMilli()));
    static final CustomerVersion ADA_NOW = CustomerVersion.of(42,
            new VersionedRecord<>(new Customer(42, "Ada King", null, "GB"), V2.toEpochMilli()));

    /** 42 exists (renamed at V2), 7 does not, 13 is being restored; records the last call. */
    static final class FakeQueries implements CustomerJoinRoutes.Queries {
        volatile String lastCall;

        @Override
        public Reply current(long customerId, boolean forwarded) {
            lastCall = "current " + customerId + " " + forwarded;
            if (customerId == 13) {
                throw new StoreUnavailableException("restoring");
            }
            return customerId == 42 ? Reply.ok(ADA_NOW) : Reply.error(404, "customer " + customerId + " not found");
        }

        @Override
        public Reply asOf(long customerId, Instant at, boolean forwarded) {
            lastCall = "asOf " + customerId + " " + at + " " + forwarded;
            return Reply.ok(at.isBefore(V2) ? ADA : ADA_NOW);
        }

        @Override
        public Reply history(long customerId, Instant from, Instant to, boolean forwarded) {
            lastCall = "history " + customerId + " " + from + " " + to + " " + forwarded;
            return Reply.ok(new CustomerHistory(customerId, List.of(ADA, ADA_NOW)));
        }
    }

    @TempDir
    static Path stateDir;
    static KafkaStreams streams;
    static HttpServer server;
    static final FakeQueries fake = new FakeQueries();

    @BeforeAll
    static void start() {
        ServiceConfig config = ServiceConfig.of(Services.CUSTOMER_JOIN, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", ServiceConfig.STATE_DIR, stateDir.toString()));
        streams = new KafkaStreams(CustomerJoinTopology.build(), config.streamsProperties());
        server = HttpServer.start(0, streams, () -> { }, new CustomerJoinRoutes(fake)::register);
    }

    @AfterAll
    static void stop() {
        server.close();
        streams.close();
    }

    @BeforeEach
    void forget() {
        fake.lastCall = null;
    }

    static HttpResponse<String> get(String path, String... headers) {
        return TestHttp.get("http://127.0.0.1:" + server.port() + path, headers);
    }

    static String error(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).get("error").asText();
    }

    @Test
    void theCurrentVersionWithItsValidity() throws Exception {
        HttpResponse<String> response = get("/customers/42");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).isEqualTo(
                "{\"customer_id\":42,\"name\":\"Ada King\",\"country\":\"GB\",\"valid_from\":\"2026-11-24T10:30:00Z\",\"valid_to\":null}");
        assertThat(fake.lastCall).isEqualTo("current 42 false");
        get("/customers/42", "X-Forwarded-By", "other:8082");
        assertThat(fake.lastCall).isEqualTo("current 42 true");
        get("/customers/42?at=");
        assertThat(fake.lastCall).as("a blank at is now").isEqualTo("current 42 false");
    }

    @Test
    void asOfAnInstantInEpochMillisOrIso8601() throws Exception {
        HttpResponse<String> response = get("/customers/42?at=2026-11-24T10:00:00Z");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"customer_id\":42,\"name\":\"Ada Lovelace\",\"segment\":\"enterprise\",\"country\":\"GB\","
                + "\"valid_from\":\"2026-11-24T09:00:00Z\",\"valid_to\":\"2026-11-24T10:30:00Z\"}");
        assertThat(fake.lastCall).isEqualTo("asOf 42 2026-11-24T10:00:00Z false");
        get("/customers/42?at=" + V2.toEpochMilli());
        assertThat(fake.lastCall).isEqualTo("asOf 42 2026-11-24T10:30:00Z false");
        get("/customers/42?at=2026-11-24T11:30:00%2B01:00");
        assertThat(fake.lastCall).isEqualTo("asOf 42 2026-11-24T10:30:00Z false");
    }

    @Test
    void theHistoryWithOptionalBounds() throws Exception {
        HttpResponse<String> response = get("/customers/42/history");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(response.body()).get("versions")).hasSize(2);
        assertThat(response.body()).startsWith("{\"customer_id\":42,\"versions\":[{\"customer_id\":42,\"name\":\"Ada Lovelace\"")
                .endsWith("\"valid_to\":null}]}");
        assertThat(fake.lastCall).isEqualTo("history 42 null null false");
        get("/customers/42/history?from=2026-11-24T00:00:00Z&to=" + V2.toEpochMilli(), "X-Forwarded-By", "other:8082");
        assertThat(fake.lastCall).isEqualTo("history 42 2026-11-24T00:00:00Z 2026-11-24T10:30:00Z true");
        get("/customers/42/history?to=2026-11-24T00:00:00Z");
        assertThat(fake.lastCall).isEqualTo("history 42 null 2026-11-24T00:00:00Z false");
        get("/customers/42/history?from=2026-11-24T00:00:00Z&to=2026-11-24T00:00:00Z");
        assertThat(fake.lastCall).as("from = to is a range of one instant").isEqualTo("history 42 2026-11-24T00:00:00Z 2026-11-24T00:00:00Z false");
    }

    @Test
    void anUnknownCustomerIs404AndARestoringStore503() throws Exception {
        HttpResponse<String> response = get("/customers/7");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"customer 7 not found\"}");
        response = get("/customers/13");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(get("/customers/42/history/more").statusCode()).isEqualTo(404);
        assertThat(get("/customers").statusCode()).isEqualTo(404);
    }

    @Test
    void badParametersAre400AndNeverAsked() throws Exception {
        Map<String, String> bad = Map.of(
                "/customers/abc", "customer_id must be an integer, got 'abc'",
                "/customers/4.2/history", "customer_id must be an integer, got '4.2'",
                "/customers/99999999999999999999", "customer_id must be an integer between",
                "/customers/42?at=yesterday", "at must be epoch milliseconds or an ISO-8601 instant such as 2026-11-24T10:15:00Z, got 'yesterday'",
                "/customers/42?at=1&at=2", "at must be given once, got it 2 times",
                "/customers/42/history?from=tomorrow", "from must be epoch milliseconds or an ISO-8601 instant",
                "/customers/42/history?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z",
                "from (2026-11-25T00:00:00Z) must not be after to (2026-11-24T00:00:00Z)",
                "/customers/42?at=99999999999999999999", "at is out of range");
        for (Map.Entry<String, String> request : bad.entrySet()) {
            HttpResponse<String> response = get(request.getKey());
            assertThat(response.statusCode()).as(request.getKey()).isEqualTo(400);
            assertThat(error(response)).as(request.getKey()).startsWith(request.getValue());
            assertThat(fake.lastCall).as(request.getKey() + ": never asked").isNull();
        }
    }
}
