package io.orderpipeline.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.CustomerStats;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestHttp;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.http.Reply;
import io.orderpipeline.http.StoreUnavailableException;
import io.orderpipeline.runtime.ServiceConfig;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** customer-stats' route on a real server (port 0) with a fake query service. */
class CustomerStatsRoutesTest {

    /** 42 has orders, 7 has none, 13 is being restored; records whether the last call was forwarded. */
    static final class FakeQueries implements CustomerStatsRoutes.Queries {
        volatile String lastCall;

        @Override
        public Reply stats(long customerId, boolean forwarded) {
            lastCall = customerId + " " + forwarded;
            if (customerId == 13) {
                throw new StoreUnavailableException("restoring");
            }
            return customerId == 42 ? Reply.ok(new CustomerStats(42, 3, new BigDecimal("1234.50")))
                    : Reply.error(404, "customer " + customerId + " has no orders");
        }

        @Override
        public Reply alerts(int limit) {
            lastCall = "alerts " + limit;
            return Reply.ok(Map.of("alerts", java.util.List.of()));
        }

        @Override
        public Reply localAlerts(int limit) {
            lastCall = "local alerts " + limit;
            return Reply.ok(Map.of("alerts", java.util.List.of()));
        }
    }

    @TempDir
    static Path stateDir;
    static KafkaStreams streams;
    static HttpServer server;
    static final FakeQueries fake = new FakeQueries();

    @BeforeAll
    static void start() {
        ServiceConfig config = ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", ServiceConfig.STATE_DIR, stateDir.toString()));
        streams = new KafkaStreams(CustomerStatsApp.topology(config), config.streamsProperties());
        server = HttpServer.start(0, streams, () -> { }, new CustomerStatsRoutes(fake)::register);
    }

    @AfterAll
    static void stop() {
        server.close();
        streams.close();
    }

    static HttpResponse<String> get(String path, String... headers) {
        return TestHttp.get("http://127.0.0.1:" + server.port() + path, headers);
    }

    @Test
    void aCustomersStatsAsInTheContract() throws Exception {
        HttpResponse<String> response = get("/customers/42/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"customer_id\":42,\"count\":3,\"total\":1234.50}");
        assertThat(fake.lastCall).isEqualTo("42 false");
        get("/customers/42/stats", "X-Forwarded-By", "other:8081");
        assertThat(fake.lastCall).isEqualTo("42 true");
    }

    @Test
    void aCustomerWithoutOrdersIs404() throws Exception {
        HttpResponse<String> response = get("/customers/7/stats");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"customer 7 has no orders\"}");
    }

    @Test
    void aCustomerIdThatIsNotAnIntegerIs400() throws Exception {
        for (String id : new String[] {"abc", "4.2", "%20", "99999999999999999999"}) {
            fake.lastCall = null;
            HttpResponse<String> response = get("/customers/" + id + "/stats");
            assertThat(response.statusCode()).as(id).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).startsWith("customer_id must be an integer");
            assertThat(fake.lastCall).as("never asked").isNull();
        }
    }

    @Test
    void alertsWithALimitFrom1To100DefaultTwenty() throws Exception {
        assertThat(get("/alerts").statusCode()).isEqualTo(200);
        assertThat(fake.lastCall).isEqualTo("alerts 20");
        assertThat(get("/alerts?limit=100").body()).isEqualTo("{\"alerts\":[]}");
        assertThat(fake.lastCall).isEqualTo("alerts 100");
        get("/internal/alerts?limit=3");
        assertThat(fake.lastCall).isEqualTo("local alerts 3");
        for (String limit : new String[] {"0", "101", "-1", "abc", "1.5", "99999999999", "1&limit=2"}) {
            fake.lastCall = null;
            HttpResponse<String> response = get("/alerts?limit=" + limit);
            assertThat(response.statusCode()).as(limit).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).as(limit).startsWith("limit must be");
            assertThat(fake.lastCall).as("never asked").isNull();
        }
    }

    @Test
    void aStoreBeingRestoredIs503WithRetryAfterAndUnknownPaths404() throws Exception {
        HttpResponse<String> response = get("/customers/13/stats");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(get("/customers/42").statusCode()).isEqualTo(404);
        assertThat(get("/customers/42/stats/more").statusCode()).isEqualTo(404);
    }
}
