package io.orderpipeline.join;

import static io.orderpipeline.common.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.TestHttp;
import io.orderpipeline.common.Topics;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of customer-join (same application id, own HTTP port, application.server and state
 * dir) on a real broker: the customers' current versions, versions as of an instant and histories,
 * the same from both instances (a key held by the other one is answered through it), renames,
 * deletes, unknown customers, bad and too-old instants, health and metrics.
 */
class CustomerJoinHttpIT {

    private static final Duration TIMEOUT = BrokerRecords.TIMEOUT;
    private static final String APPLICATION_ID = "customer-join-http-it";
    private static final int CUSTOMERS = 20;
    /** Customer records two hours old: within the bound on timestamps ahead of the clock, history kept a day behind. */
    private static final Instant T = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static final StreamsApp[] apps = new StreamsApp[2];
    static final HttpServer[] servers = new HttpServer[2];
    static final int[] ports = new int[2];

    private static Instant t(int minutes) {
        return T.plus(Duration.ofMinutes(minutes));
    }

    @BeforeAll
    static void startTwoInstancesAndWriteCustomers() throws Exception {
        broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
        ContractTopics.create(broker.bootstrapServers(), 3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.deadLetter(APPLICATION_ID), 1, (short) 1))).all().get();
        }
        for (int i = 0; i < 2; i++) {
            ports[i] = KafkaBroker.freePort();
            ServiceConfig config = CustomerJoinApp.config(ServiceConfig.of(Services.CUSTOMER_JOIN, Map.of(
                    ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    ServiceConfig.APPLICATION_ID, APPLICATION_ID,
                    ServiceConfig.STATE_DIR, dir.resolve("state-" + i).toString(),
                    ServiceConfig.HTTP_PORT, String.valueOf(ports[i]),
                    ServiceConfig.APPLICATION_SERVER, "127.0.0.1:" + ports[i])));
            apps[i] = StreamsApp.createFromChangelogs(config, CustomerJoinTopology.build()).start();
            servers[i] = CustomerJoinRoutes.start(config, apps[i].streams());
        }
        await("both instances ready", () -> get(0, "/health/ready").statusCode() == 200 && get(1, "/health/ready").statusCode() == 200);

        try (KafkaProducer<String, String> producer = BrokerRecords.producer(broker.bootstrapServers())) {
            for (int id = 1; id <= CUSTOMERS; id++) {
                customer(producer, id, "Customer " + id, t(0));
            }
            customer(producer, 1, "Customer 1 renamed", t(30)); // 1: renamed at +30m
            customer(producer, 2, null, t(20));                  // 2: deleted at +20m
            customer(producer, 3, "Customer 3 renamed", t(10)); // 3: renamed at +10m, deleted at +40m
            customer(producer, 3, null, t(40));
        }
        await("every customer record applied", () -> get(0, "/customers/1").body().contains("renamed")
                && get(0, "/customers/2").statusCode() == 404 && get(1, "/customers/3").statusCode() == 404
                && get(1, "/customers/" + CUSTOMERS).statusCode() == 200);
    }

    private static void customer(KafkaProducer<String, String> producer, long id, String name, Instant at) {
        producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), null, at.toEpochMilli(), String.valueOf(id),
                name == null ? null : BrokerRecords.customer(id, name)));
    }

    @AfterAll
    static void stop() {
        TestDriverSupport.closeAll(servers[0], apps[0], servers[1], apps[1], broker);
    }

    @Test
    void everyCustomerIsTheSameFromBothInstancesAndEachInstanceAnswersForTheOther() {
        Set<String> servedBy = new HashSet<>();
        for (int id = 4; id <= CUSTOMERS; id++) {
            HttpResponse<String> first = get(0, "/customers/" + id);
            HttpResponse<String> second = get(1, "/customers/" + id);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(second.headers().firstValue("X-Served-By")).isEqualTo(first.headers().firstValue("X-Served-By"));
            assertThat(first.body()).isEqualTo("{\"customer_id\":" + id + ",\"name\":\"Customer " + id + "\",\"segment\":\"enterprise\","
                    + "\"country\":\"GB\",\"valid_from\":\"" + t(0) + "\",\"valid_to\":null}");
            servedBy.add(first.headers().firstValue("X-Served-By").orElseThrow());
        }
        assertThat(servedBy).as("both instances hold some customers").containsExactlyInAnyOrder("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    }

    @Test
    void aRenameShowsInTheCurrentVersionTheVersionAsOfAnInstantAndTheHistory() {
        for (int i = 0; i < 2; i++) {
            JsonNode current = ok(get(i, "/customers/1"));
            assertThat(current.get("name").asText()).isEqualTo("Customer 1 renamed");
            assertThat(current.get("valid_from").asText()).isEqualTo(t(30).toString());
            assertThat(current.get("valid_to").isNull()).isTrue();

            JsonNode before = ok(get(i, "/customers/1?at=" + t(15)));
            assertThat(before.get("name").asText()).isEqualTo("Customer 1");
            assertThat(before.get("valid_from").asText()).isEqualTo(t(0).toString());
            assertThat(before.get("valid_to").asText()).isEqualTo(t(30).toString());
            assertThat(ok(get(i, "/customers/1?at=" + t(30).toEpochMilli())).get("name").asText()).as("valid from its timestamp on")
                    .isEqualTo("Customer 1 renamed");

            assertThat(versions(get(i, "/customers/1/history"))).containsExactly(
                    "Customer 1 " + t(0) + " " + t(30), "Customer 1 renamed " + t(30) + " null");
            assertThat(versions(get(i, "/customers/1/history?from=" + t(31)))).containsExactly("Customer 1 renamed " + t(30) + " null");
            assertThat(versions(get(i, "/customers/1/history?to=" + t(29)))).containsExactly("Customer 1 " + t(0) + " " + t(30));
            assertThat(versions(get(i, "/customers/1/history?from=" + T.minus(Duration.ofDays(3)) + "&to=" + t(60))))
                    .as("a range reaching back past the history kept still gives what the store has").hasSize(2);
        }
    }

    @Test
    void aDeleteEndsTheLastVersionAndTheCurrentCustomerIsThen404() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> current = get(i, "/customers/2");
            assertThat(current.statusCode()).isEqualTo(404);
            assertThat(current.body()).isEqualTo("{\"error\":\"customer 2 not found\"}");
            assertThat(versions(get(i, "/customers/2/history"))).containsExactly("Customer 2 " + t(0) + " " + t(20));
            assertThat(ok(get(i, "/customers/2?at=" + t(19))).get("valid_to").asText()).isEqualTo(t(20).toString());
            HttpResponse<String> afterDelete = get(i, "/customers/2?at=" + t(20));
            assertThat(afterDelete.statusCode()).isEqualTo(404);
            assertThat(json(afterDelete).get("error").asText()).isEqualTo("customer 2 not found at " + t(20));

            assertThat(get(i, "/customers/3").statusCode()).isEqualTo(404);
            assertThat(versions(get(i, "/customers/3/history"))).containsExactly(
                    "Customer 3 " + t(0) + " " + t(10), "Customer 3 renamed " + t(10) + " " + t(40));
            assertThat(ok(get(i, "/customers/3?at=" + t(20))).get("name").asText()).isEqualTo("Customer 3 renamed");
            assertThat(get(i, "/customers/3/history?from=" + t(41)).statusCode()).as("nothing after the delete").isEqualTo(404);
        }
    }

    @Test
    void anUnknownCustomerIs404FromBothInstances() {
        for (int i = 0; i < 2; i++) {
            for (String path : List.of("/customers/999", "/customers/999?at=" + t(10), "/customers/999/history", "/customers/-5")) {
                HttpResponse<String> response = get(i, path);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(json(response).get("error").asText()).as(path).startsWith("customer " + (path.contains("-5") ? "-5" : "999") + " not found");
            }
            HttpResponse<String> before = get(i, "/customers/1?at=" + t(-1));
            assertThat(before.statusCode()).as("before its first version").isEqualTo(404);
        }
    }

    @Test
    void badAndTooOldInstantsAre400() {
        Instant tooOld = T.minus(Duration.ofDays(2));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> bad = get(i, "/customers/1?at=yesterday");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).get("error").asText()).isEqualTo(
                    "at must be epoch milliseconds or an ISO-8601 instant such as 2026-11-24T10:15:00Z, got 'yesterday'");
            assertThat(get(i, "/customers/1/history?from=" + t(10) + "&to=" + t(0)).statusCode()).isEqualTo(400);
            assertThat(get(i, "/customers/x").statusCode()).isEqualTo(400);

            for (String path : List.of("/customers/1?at=" + tooOld, "/customers/1/history?to=" + tooOld.toEpochMilli())) {
                HttpResponse<String> response = get(i, path);
                assertThat(response.statusCode()).as(path).isEqualTo(400);
                // the newest customer record of customer 1's partition is its rename (+30m) or, sharing it, 3's delete (+40m)
                String newest = json(response).get("error").asText().replaceAll(".*before its newest customer record, (.*)\\)$", "$1");
                assertThat(newest).as(path).isIn(t(30).toString(), t(40).toString());
                assertThat(json(response).get("error").asText()).as(path).startsWith(path.contains("at=") ? "at (" + tooOld + ")" : "to (" + tooOld + ")")
                        .contains("is older than the history kept: the customers of this customer's partition are answered back to "
                                + Instant.parse(newest).minus(CustomerJoinTopology.HISTORY_RETENTION) + " (24 h before its newest customer record");
            }
        }
    }

    @Test
    void healthAndMetrics() {
        assertThat(get(1, "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(1, "/health/ready").statusCode()).isEqualTo(200);
        get(1, "/customers/1/history");
        assertThat(get(1, "/metrics").body())
                .contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/customers/{customer_id}/history\"}")
                .contains("kafka_stream_")
                .contains("jvm_memory_used_bytes");
    }

    /** The versions of a history answer, each as "name valid_from valid_to". */
    static List<String> versions(HttpResponse<String> response) {
        JsonNode history = ok(response);
        List<String> versions = new java.util.ArrayList<>();
        history.get("versions").forEach(v -> versions.add(v.get("name").asText() + " " + v.get("valid_from").asText() + " "
                + (v.get("valid_to").isNull() ? "null" : v.get("valid_to").asText())));
        return versions;
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(200);
        return json(response);
    }

    static HttpResponse<String> get(int instance, String path) {
        return TestHttp.get("http://127.0.0.1:" + ports[instance] + path);
    }

    static void await(String what, BooleanSupplier condition) {
        TestDriverSupport.await(what, TIMEOUT, condition);
    }
}
