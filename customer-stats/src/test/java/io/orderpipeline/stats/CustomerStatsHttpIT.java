package io.orderpipeline.stats;

import static io.orderpipeline.common.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.TestHttp;
import io.orderpipeline.common.Topics;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of customer-stats (same application id, own HTTP port, application.server and
 * state dir) on a real broker: every customer's stats are the same and exact from both instances,
 * a customer without orders is 404 from both, the latest alerts are every instance's and the same
 * from both (the first {@code limit} of them for any limit, alerts of the same millisecond too), health and
 * metrics answer.
 */
class CustomerStatsHttpIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int CUSTOMERS = 25;

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static final StreamsApp[] apps = new StreamsApp[2];
    static final HttpServer[] servers = new HttpServer[2];
    static final int[] ports = new int[2];
    /** customer id -> [count, total], computed here with BigDecimal. */
    static final Map<Long, BigDecimal> totals = new TreeMap<>();
    static final Map<Long, Long> counts = new TreeMap<>();

    @BeforeAll
    static void startTwoInstancesAndSendOrders() {
        broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
        ContractTopics.create(broker.bootstrapServers(), 3);
        for (int i = 0; i < 2; i++) {
            ports[i] = KafkaBroker.freePort();
            ServiceConfig config = ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(
                    ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    ServiceConfig.APPLICATION_ID, "customer-stats-http-it",
                    ServiceConfig.STATE_DIR, dir.resolve("state-" + i).toString(),
                    ServiceConfig.HTTP_PORT, String.valueOf(ports[i]),
                    ServiceConfig.APPLICATION_SERVER, "127.0.0.1:" + ports[i]));
            apps[i] = StreamsApp.create(config, CustomerStatsApp.topology(config)).start();
            servers[i] = CustomerStatsRoutes.start(config, apps[i].streams());
        }
        await("both instances ready", () -> get(0, "/health/ready").statusCode() == 200 && get(1, "/health/ready").statusCode() == 200);

        Random random = new Random(7);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(props,
                Topics.ORDERS.keySerde().serializer(), Topics.ORDERS.valueSerde().serializer())) {
            long start = System.currentTimeMillis();
            for (long orderId = 1; orderId <= 600; orderId++) {
                long customer = 1 + random.nextInt(CUSTOMERS);
                BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000), 2);
                long timestamp = start + orderId / 100; // six timestamps: alerts share them, as orders in one batch do
                producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, timestamp, String.valueOf(orderId),
                        new Order(orderId, customer, amount, "keyboard", "paid")));
                totals.merge(customer, amount, BigDecimal::add);
                counts.merge(customer, 1L, Long::sum);
            }
        }
        await("every customer counted", () -> counts.entrySet().stream().allMatch(customer -> {
            HttpResponse<String> response = get(0, "/customers/" + customer.getKey() + "/stats");
            return response.statusCode() == 200 && json(response).get("count").asLong() == customer.getValue();
        }));
    }

    @AfterAll
    static void stop() {
        TestDriverSupport.closeAll(servers[0], apps[0], servers[1], apps[1], broker);
    }

    @Test
    void everyCustomerIsTheSameAndExactFromBothInstances() {
        Set<String> servedBy = new HashSet<>();
        for (long customer : counts.keySet()) {
            HttpResponse<String> first = get(0, "/customers/" + customer + "/stats");
            HttpResponse<String> second = get(1, "/customers/" + customer + "/stats");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.body()).isEqualTo(first.body());
            JsonNode stats = json(first);
            assertThat(stats.get("customer_id").asLong()).isEqualTo(customer);
            assertThat(stats.get("count").asLong()).isEqualTo(counts.get(customer));
            assertThat(stats.get("total").decimalValue()).isEqualByComparingTo(totals.get(customer));
            servedBy.add(first.headers().firstValue("X-Served-By").orElseThrow());
        }
        assertThat(servedBy).as("both instances hold some customers").hasSize(2);
    }

    @Test
    void aCustomerWithoutOrdersIs404FromBothInstances() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = get(i, "/customers/" + (CUSTOMERS + 1000) + "/stats");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(json(response).get("error").asText()).isEqualTo("customer " + (CUSTOMERS + 1000) + " has no orders");
        }
        assertThat(get(0, "/customers/not-a-number/stats").statusCode()).isEqualTo(400);
    }

    @Test
    void theLatestAlertsAreEveryInstancesNewestFirstAndTheSameFromBoth() {
        // amounts are never negative: the customers alerted are those whose total ended over 10000, each once
        Set<Long> overThreshold = new java.util.TreeSet<>();
        totals.forEach((customer, total) -> {
            if (total.compareTo(CustomerStatsApp.DEFAULT_ALERT_THRESHOLD) > 0) {
                overThreshold.add(customer);
            }
        });
        assertThat(overThreshold).hasSizeBetween(2, CUSTOMERS);
        HttpResponse<String> first = get(0, "/alerts?limit=100");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(get(1, "/alerts?limit=100").body()).isEqualTo(first.body());
        JsonNode alerts = json(first).get("alerts");
        java.util.List<Long> alerted = new java.util.ArrayList<>();
        java.util.List<java.time.Instant> times = new java.util.ArrayList<>();
        for (JsonNode alert : alerts) {
            alerted.add(alert.get("customer_id").asLong());
            times.add(java.time.Instant.parse(alert.get("alerted_at").asText()));
            assertThat(alert.get("total").decimalValue()).isGreaterThan(CustomerStatsApp.DEFAULT_ALERT_THRESHOLD)
                    .isLessThanOrEqualTo(totals.get(alert.get("customer_id").asLong()));
            assertThat(alert.get("threshold").decimalValue()).isEqualByComparingTo(CustomerStatsApp.DEFAULT_ALERT_THRESHOLD);
        }
        assertThat(alerted).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(overThreshold);
        assertThat(times).isSortedAccordingTo(java.util.Comparator.<java.time.Instant>naturalOrder().reversed());
        assertThat(new HashSet<>(times)).as("alerts at the same time").hasSizeLessThan(times.size());
        for (int limit = 1; limit <= alerts.size(); limit++) {
            JsonNode latest = json(get(limit % 2, "/alerts?limit=" + limit)).get("alerts");
            assertThat(latest).as("limit " + limit).hasSize(limit);
            for (int i = 0; i < limit; i++) {
                assertThat(latest.get(i)).as("limit " + limit).isEqualTo(alerts.get(i));
            }
        }
        assertThat(get(0, "/alerts?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void healthAndMetrics() {
        assertThat(get(1, "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(1, "/health/ready").statusCode()).isEqualTo(200);
        get(1, "/customers/1/stats");
        assertThat(get(1, "/metrics").body())
                .contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/customers/{customer_id}/stats\"}")
                .contains("kafka_stream_")
                .contains("jvm_memory_used_bytes");
    }

    static HttpResponse<String> get(int instance, String path) {
        return TestHttp.get("http://127.0.0.1:" + ports[instance] + path);
    }

    static void await(String what, BooleanSupplier condition) {
        TestDriverSupport.await(what, TIMEOUT, condition);
    }
}
