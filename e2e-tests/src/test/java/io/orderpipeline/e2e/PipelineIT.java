package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;

/**
 * All five services from their jars, as separate processes, on one real broker, fed a known data
 * set that covers every rule of the contract; every output topic read with read_committed must be
 * exactly what the input implies.
 */
class PipelineIT {

    static final Expected.Rules RULES = Expected.Rules.of(Pipeline.ALERT_THRESHOLD, Pipeline.GRACE, Pipeline.PARTITIONS);
    static final List<String> OUTPUTS = List.of("high-value-orders", "enriched-orders", "customer-stats", "customer-alerts",
            "product-revenue-hourly", Expected.REVENUE_LATE, "customer-enriched-orders");

    @Test
    void everyOutputIsExactlyWhatTheInputImplies() {
        try (Pipeline pipeline = new Pipeline("PipelineIT", Map.of());
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            pipeline.startAll();
            // the customers first, as reference data is: the join must use them as of each order's time
            KnownDataSet.writeCustomers(input);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);
            // then the orders in two bursts: the second once the first, with partition 1 hours ahead, is consumed
            KnownDataSet.writeOrders(input, Pipeline.PARTITIONS, () -> pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT));
            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), RULES);
            System.out.println("Data set coverage: " + expected.coverage());
            System.out.println(expected.revenueSummary());
            assertCovers(expected);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(System.out::println);
            printDeadLetterVisibility(pipeline);
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertNoOpenTransactions(pipeline);
            assertCustomersOverHttp(pipeline, input.written(Expected.CUSTOMERS));
        }
    }

    private static void assertCovers(Expected expected) {
        assertThat(expected.coverage("bad orders")).isEqualTo(KnownDataSet.badOrders().size());
        assertThat(expected.coverage("bad customers")).isEqualTo(7);
        // product-revenue, per partition of orders: 107 late in partition 0 by 0 ms, 302 late in partition 1 (with a
        // header of its own); 105 and 112 within grace; partition 0's and 2's orders of 10:00-12:00 on time while
        // partition 1 is at 13:00; 110 on time although partition 2's bad orders are stamped 15:00
        assertThat(expected.coverage("late orders (to product-revenue-late)")).isEqualTo(2);
        assertThat(expected.coverage("late orders within grace")).isEqualTo(2);
        assertThat(expected.coverage("orders on time only because bad records do not move event time")).isEqualTo(4);
        assertThat(expected.coverage("orders on time in their partition while another is past their window's end + grace"))
                .isEqualTo(9);
        assertThat(expected.coverage("partitions of orders without a valid order (no window closes)")).isZero();
        assertThat(expected.finalWindows()).as("final windows").isEqualTo(8);
        assertThat(expected.openWindows()).as("windows still open").isEqualTo(4);
        for (String rule : List.of("valid orders without key", "valid orders without status", "high-value orders",
                "orders needing review", "alerts", "customers exactly at the threshold", "customer deletions",
                "joins with a customer never seen", "joins before the customer's first version", "joins after a deletion",
                "joins with an updated customer", "joins with a customer's first version")) {
            assertThat(expected.coverage(rule)).as(rule).isPositive();
        }
    }

    /**
     * Under exactly_once_v2, are the dead letters written in the transaction and committed? Compares
     * what read_committed and read_uncommitted consumers see with the log end (which counts the
     * transaction markers too).
     */
    static void printDeadLetterVisibility(Pipeline pipeline) {
        for (String service : Services.NAMES) {
            String topic = pipeline.deadLetterTopic(service);
            long committed = pipeline.reader().readAll(topic).size();
            long uncommitted = pipeline.reader().readAll(topic, IsolationLevel.READ_UNCOMMITTED).size();
            long logEnd = pipeline.reader().logEndOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
            System.out.println(topic + ": " + committed + " records visible to read_committed, " + uncommitted
                    + " to read_uncommitted; log end offsets sum " + logEnd + "; open transactions "
                    + pipeline.reader().openTransactions(topic));
        }
    }

    static void assertNoOpenTransactions(Pipeline pipeline) {
        for (String topic : OUTPUTS) {
            assertThat(pipeline.reader().openTransactions(topic)).as("open transactions on " + topic).isEmpty();
        }
        for (String service : Services.NAMES) {
            String topic = pipeline.deadLetterTopic(service);
            assertThat(pipeline.reader().openTransactions(topic)).as("open transactions on " + topic).isEmpty();
        }
    }

    /**
     * customer-join's HTTP API (CONTRACT.md, HTTP) on the data set's customers: the rename, the delete,
     * customers never seen or only invalid, an invalid update that changes nothing, a customer created
     * after an order, an instant older than the history kept; then every customer's history as the
     * valid records written to {@code customers} imply (validity: the contract's customer serde).
     */
    static void assertCustomersOverHttp(Pipeline pipeline, List<InputRecord> customers) {
        int port = Integer.parseInt(pipeline.service("customer-join").env().get("HTTP_PORT"));
        long min = Duration.ofMinutes(1).toMillis();
        String t0 = Instant.ofEpochMilli(KnownDataSet.T0).toString();
        String before = Instant.ofEpochMilli(KnownDataSet.T0 - 60 * min).toString();
        String updated = Instant.ofEpochMilli(KnownDataSet.T0 + 30 * min).toString();

        // 1: updated at +30m
        assertThat(get(port, "/customers/1").body()).isEqualTo("{\"customer_id\":1,\"name\":\"Ada Lovelace\",\"segment\":\"small-business\","
                + "\"country\":\"GB\",\"valid_from\":\"" + updated + "\",\"valid_to\":null}");
        JsonNode asOf = ok(get(port, "/customers/1?at=" + t0));
        assertThat(asOf.get("segment").asText()).isEqualTo("enterprise");
        assertThat(asOf.get("valid_from").asText()).isEqualTo(before);
        assertThat(asOf.get("valid_to").asText()).isEqualTo(updated);
        // 2: deleted at +20m: the history ends there, current is 404
        assertThat(get(port, "/customers/2").statusCode()).isEqualTo(404);
        assertThat(ok(get(port, "/customers/2?at=" + t0)).get("name").asText()).isEqualTo("Grace Hopper");
        assertThat(get(port, "/customers/2?at=" + (KnownDataSet.T0 + 20 * min)).statusCode()).isEqualTo(404);
        // 3 never seen, 4 and 8-12 only invalid records
        for (long unknown : new long[] {3, 4, 8, 9, 10, 11, 12}) {
            HttpResponse<String> response = get(port, "/customers/" + unknown);
            assertThat(response.statusCode()).as("customer " + unknown).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"error\":\"customer " + unknown + " not found\"}");
            assertThat(get(port, "/customers/" + unknown + "/history").statusCode()).as("customer " + unknown).isEqualTo(404);
        }
        // 5: its invalid update at +5m changed nothing
        assertThat(ok(get(port, "/customers/5")).get("valid_from").asText()).isEqualTo(before);
        // 6: no segment, no country
        JsonNode liskov = ok(get(port, "/customers/6"));
        assertThat(liskov.has("segment") || liskov.has("country")).isFalse();
        // 7: created at +40m, so unknown to the order of +35m
        assertThat(get(port, "/customers/7?at=" + (KnownDataSet.T0 + 35 * min)).statusCode()).isEqualTo(404);
        assertThat(ok(get(port, "/customers/7")).get("name").asText()).isEqualTo("Alan Turing");
        // older than the history kept (a day behind the newest customer of the partition): 400, not 404
        HttpResponse<String> tooOld = get(port, "/customers/1?at=" + Instant.ofEpochMilli(KnownDataSet.T0).minus(Duration.ofDays(3)));
        assertThat(tooOld.statusCode()).isEqualTo(400);
        assertThat(json(tooOld).get("error").asText()).contains("is older than the history kept");

        Map<String, List<String>> expected = historiesOf(customers);
        assertThat(expected).as("customers with a history").containsKeys("1", "2", "5", "6", "7");
        for (Map.Entry<String, List<String>> customer : expected.entrySet()) {
            HttpResponse<String> response = get(port, "/customers/" + customer.getKey() + "/history");
            if (customer.getValue().isEmpty()) {
                assertThat(response.statusCode()).as("customer " + customer.getKey()).isEqualTo(404);
                continue;
            }
            List<String> versions = new ArrayList<>();
            ok(response).get("versions").forEach(v -> versions.add(version(v)));
            assertThat(versions).as("the history of customer " + customer.getKey()).isEqualTo(customer.getValue());
        }
    }

    /** Per key written to {@code customers}: its versions from its valid records and tombstones, by timestamp. */
    private static Map<String, List<String>> historiesOf(List<InputRecord> customers) {
        Map<String, TreeMap<Long, JsonNode>> byKey = new TreeMap<>();
        for (InputRecord r : customers) {
            TreeMap<Long, JsonNode> versions = byKey.computeIfAbsent(r.keyString(), k -> new TreeMap<>());
            if (r.value() == null) {
                versions.put(r.timestamp(), null);
                continue;
            }
            try {
                Topics.CUSTOMERS.valueSerde().deserializer().deserialize(Topics.CUSTOMERS.name(), r.value());
                versions.put(r.timestamp(), Json.MAPPER.readTree(r.value()));
            } catch (Exception invalid) {
                // not a version: the dead-letter topic has it
            }
        }
        Map<String, List<String>> histories = new LinkedHashMap<>();
        byKey.forEach((key, versions) -> {
            List<String> history = new ArrayList<>();
            versions.forEach((from, customer) -> {
                if (customer != null) {
                    Long to = versions.higherKey(from);
                    history.add(version(customer.get("name").asText(), customer.path("segment").asText(null),
                            customer.path("country").asText(null), Instant.ofEpochMilli(from), to == null ? null : Instant.ofEpochMilli(to)));
                }
            });
            histories.put(key, history);
        });
        return histories;
    }

    private static String version(JsonNode v) {
        return version(v.get("name").asText(), v.path("segment").asText(null), v.path("country").asText(null),
                Instant.parse(v.get("valid_from").asText()), v.get("valid_to").isNull() ? null : Instant.parse(v.get("valid_to").asText()));
    }

    private static String version(String name, String segment, String country, Instant from, Instant to) {
        return name + " / " + segment + " / " + country + " [" + from + ", " + to + ")";
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }
}
