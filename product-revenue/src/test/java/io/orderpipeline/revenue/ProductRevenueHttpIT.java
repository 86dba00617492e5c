package io.orderpipeline.revenue;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of product-revenue in one JVM (same application id, their own HTTP port,
 * application.server and state dir, one standby replica) on a real broker: every product's
 * answers are the same and exact from both, GET /revenue combines both, and when one instance
 * goes (HTTP first, then its streams app leaving the group) the other answers from its standby
 * copy (saying so), or 503 with Retry-After, and then from its own active copy again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductRevenueHttpIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PRODUCTS = 30;
    private static final List<String> ODD_NAMES = List.of("usb-c/hub 2m", "café crème", "键盘", "50% off + more?");

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static final Instance a = new Instance("a");
    static final Instance b = new Instance("b");

    /** Three hourly windows ending with the current one; windows and retention checks use the real clock. */
    static final Instant CURRENT = ProductRevenueQueryService.windowStart(Instant.now());
    static final List<Instant> WINDOWS = List.of(CURRENT.minus(Duration.ofHours(2)), CURRENT.minus(Duration.ofHours(1)), CURRENT);
    /** product -> window start -> [revenue, orders], computed here with BigDecimal. */
    static final Map<String, Map<Instant, Totals>> expected = new TreeMap<>();

    record Totals(BigDecimal revenue, long orders) {
        Totals add(BigDecimal amount) {
            return new Totals(revenue.add(amount), orders + 1);
        }
    }

    static final class Instance {
        final String name;
        int port;
        StreamsApp app;
        HttpServer http;

        Instance(String name) {
            this.name = name;
        }

        void start(String applicationId) {
            port = KafkaBroker.freePort();
            ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of(
                    ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    ServiceConfig.APPLICATION_ID, applicationId,
                    ServiceConfig.STATE_DIR, dir.resolve("state-" + name).toString(),
                    ServiceConfig.HTTP_PORT, String.valueOf(port),
                    ServiceConfig.APPLICATION_SERVER, "127.0.0.1:" + port,
                    ServiceConfig.NUM_STANDBY_REPLICAS, "1",
                    // three hours of grace: orders of the three windows may reach a task in any order
                    ProductRevenueApp.WINDOW_GRACE_SECONDS, "10800"));
            app = StreamsApp.create(config, ProductRevenueApp.topology(config)).start();
            http = ProductRevenueRoutes.start(config, app.streams());
        }

        String server() {
            return "127.0.0.1:" + port;
        }

        void close() {
            if (http != null) {
                http.close();
            }
            if (app != null) {
                app.close();
            }
        }
    }

    @BeforeAll
    static void startTwoInstancesAndSendOrders() throws Exception {
        broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
        ContractTopics.create(broker.bootstrapServers(), 3);
        String applicationId = "product-revenue-http-it";
        a.start(applicationId);
        b.start(applicationId);
        await("both instances ready", () -> status(a, "/health/ready") == 200 && status(b, "/health/ready") == 200);

        List<String> products = new ArrayList<>(ODD_NAMES);
        for (int i = products.size(); i < PRODUCTS; i++) {
            products.add("product-" + i);
        }
        Random random = new Random(42);
        Instant startedAt = Instant.now();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(props,
                Topics.ORDERS.keySerde().serializer(), Topics.ORDERS.valueSerde().serializer())) {
            long orderId = 0;
            for (Instant window : WINDOWS) {
                for (int i = 0; i < 400; i++) {
                    String product = products.get(random.nextInt(products.size()));
                    BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000), 2); // 0.00 .. 999.99
                    // not after now: a timestamp ahead of the wall clock is rejected (MAX_TIMESTAMP_AHEAD_SECONDS)
                    long span = Math.min(Duration.ofHours(1).toMillis(), Math.max(1, Duration.between(window, startedAt).toMillis()));
                    Instant at = window.plusMillis(random.nextInt((int) span));
                    orderId++;
                    producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, at.toEpochMilli(), String.valueOf(orderId),
                            new Order(orderId, random.nextInt(50), amount, product, "paid")));
                    expected.computeIfAbsent(product, p -> new TreeMap<>())
                            .merge(window, new Totals(amount, 1), (old, one) -> old.add(amount));
                }
            }
        }
        await("every product's windows counted", () -> {
            for (String product : expected.keySet()) {
                JsonNode windows = json(get(a, "/revenue/" + ProductRevenueQueryService.encode(product) + range())).get("windows");
                if (windows == null || sumOfOrders(windows) != expected.get(product).values().stream().mapToLong(Totals::orders).sum()) {
                    return false;
                }
            }
            return true;
        });
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void everyProductIsTheSameAndExactFromBothInstances() throws Exception {
        Map<String, Integer> servedBy = new HashMap<>();
        for (String product : expected.keySet()) {
            String path = "/stats/" + ProductRevenueQueryService.encode(product);
            for (Instant window : WINDOWS) {
                String at = "?at=" + window.plusSeconds(1800);
                HttpResponse<String> fromA = get(a, path + at);
                HttpResponse<String> fromB = get(b, path + at);
                assertThat(fromA.statusCode()).as(fromA.body()).isEqualTo(200);
                assertThat(fromB.body()).as(product).isEqualTo(fromA.body());
                assertThat(fromA.headers().firstValue("X-Served-By")).isEqualTo(fromB.headers().firstValue("X-Served-By"));
                servedBy.merge(fromA.headers().firstValue("X-Served-By").orElseThrow(), 1, Integer::sum);
                assertStats(json(fromA), product, window, expected.get(product).get(window));
            }
            HttpResponse<String> windowsA = get(a, "/revenue/" + ProductRevenueQueryService.encode(product) + range());
            HttpResponse<String> windowsB = get(b, "/revenue/" + ProductRevenueQueryService.encode(product) + range());
            assertThat(windowsA.statusCode()).isEqualTo(200);
            assertThat(windowsB.body()).isEqualTo(windowsA.body());
            assertWindows(json(windowsA), product);
        }
        assertThat(servedBy).as("both instances hold some products; the other one forwards to them")
                .containsOnlyKeys(a.server(), b.server());

        JsonNode none = json(get(b, "/stats/no-such-product?at=" + CURRENT));
        assertThat(none.get("hourly_revenue").decimalValue()).isEqualByComparingTo("0");
        assertThat(none.get("window_start").asText()).isEqualTo(CURRENT.toString());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void allProductsOfAWindowCombineBothInstancesHighestFirst() throws Exception {
        for (Instant window : WINDOWS) {
            HttpResponse<String> fromA = get(a, "/revenue?at=" + window.toEpochMilli());
            HttpResponse<String> fromB = get(b, "/revenue?at=" + window.toEpochMilli());
            assertThat(fromA.statusCode()).as(fromA.body()).isEqualTo(200);
            assertThat(fromB.body()).isEqualTo(fromA.body());
            assertAllProducts(json(fromA), window);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void withoutTheOtherInstanceItsStandbyAnswersThenItsActiveCopyAgain() throws Exception {
        // b stops serving HTTP: a cannot forward to it and answers b's products from its standby copy
        b.http.close();
        b.http = null;
        for (String product : expected.keySet()) {
            HttpResponse<String> response = get(a, "/stats/" + ProductRevenueQueryService.encode(product) + "?at=" + CURRENT);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Served-By")).hasValue(a.server());
            assertStats(json(response), product, CURRENT, expected.get(product).get(CURRENT));
        }
        long fromStandby = expected.keySet().stream()
                .filter(product -> get(a, "/stats/" + ProductRevenueQueryService.encode(product)).headers()
                        .firstValue("X-Served-By-Standby").isPresent())
                .count();
        assertThat(fromStandby).as("b's products, from a's standby copy").isPositive().isLessThan(expected.size());
        HttpResponse<String> all = get(a, "/revenue?at=" + CURRENT);
        assertThat(all.statusCode()).as("one instance cannot answer its part").isEqualTo(503);
        assertThat(all.headers().firstValue("Retry-After")).isPresent();

        // b's streams app leaves the group: while a takes over, every answer is exact or a 503 with Retry-After
        b.app.close();
        b.app = null;
        List<String> seen = new ArrayList<>();
        await("a answers every product from its own active copy", () -> {
            boolean allActive = true;
            for (String product : expected.keySet()) {
                HttpResponse<String> response = get(a, "/stats/" + ProductRevenueQueryService.encode(product) + "?at=" + CURRENT);
                if (response.statusCode() == 503) {
                    assertThat(response.headers().firstValue("Retry-After")).as(response.body()).isPresent();
                    seen.add("503");
                    allActive = false;
                    continue;
                }
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertStats(json(response), product, CURRENT, expected.get(product).get(CURRENT));
                boolean standby = response.headers().firstValue("X-Served-By-Standby").isPresent();
                seen.add(standby ? "standby" : "active");
                allActive &= !standby;
            }
            return allActive;
        });
        System.out.println("answers of a while b left: " + summary(seen));
        await("GET /revenue from a alone", () -> get(a, "/revenue?at=" + CURRENT).statusCode() == 200);
        for (Instant window : WINDOWS) {
            assertAllProducts(json(get(a, "/revenue?at=" + window.toEpochMilli())), window);
        }
        assertThat(status(a, "/health/ready")).isEqualTo(200);
        String metrics = get(a, "/metrics").body();
        assertThat(metrics).contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/stats/{product}\"}")
                .contains("kafka_stream_thread_")
                .contains("kafka_consumer_");
        await("the task metrics of a's new tasks, dropped records among them, on /metrics",
                () -> get(a, "/metrics").body().contains("kafka_stream_task_dropped_records"));
        await("the count of late orders on /metrics",
                () -> get(a, "/metrics").body().lines().anyMatch(line -> line.startsWith("kafka_stream_product_revenue_late_orders_total")));
    }

    static void assertStats(JsonNode stats, String product, Instant window, Totals totals) {
        assertThat(stats.get("product").asText()).isEqualTo(product);
        assertThat(stats.get("hourly_revenue").decimalValue()).as(product + " " + window)
                .isEqualByComparingTo(totals == null ? BigDecimal.ZERO : totals.revenue());
        assertThat(stats.get("window_start").asText()).isEqualTo(window.toString());
        assertThat(stats.get("window_end").asText()).isEqualTo(window.plus(Duration.ofHours(1)).toString());
    }

    static void assertWindows(JsonNode answer, String product) {
        assertThat(answer.get("product").asText()).isEqualTo(product);
        List<String> actual = new ArrayList<>();
        answer.get("windows").forEach(w -> actual.add(w.get("window_start").asText() + " " + w.get("window_end").asText()
                + " " + w.get("revenue").decimalValue().stripTrailingZeros().toPlainString() + " " + w.get("orders").asLong()));
        List<String> wanted = new ArrayList<>();
        expected.get(product).forEach((start, totals) -> wanted.add(start + " " + start.plus(Duration.ofHours(1))
                + " " + totals.revenue().stripTrailingZeros().toPlainString() + " " + totals.orders()));
        assertThat(actual).as(product).containsExactlyElementsOf(wanted);
    }

    static void assertAllProducts(JsonNode answer, Instant window) {
        assertThat(answer.get("window_start").asText()).isEqualTo(window.toString());
        Map<String, String> actual = new LinkedHashMap<>();
        List<BigDecimal> revenues = new ArrayList<>();
        answer.get("products").forEach(p -> {
            actual.put(p.get("product").asText(), p.get("revenue").decimalValue().stripTrailingZeros().toPlainString() + " " + p.get("orders").asLong());
            revenues.add(p.get("revenue").decimalValue());
        });
        Map<String, String> wanted = new HashMap<>();
        expected.forEach((product, windows) -> {
            Totals totals = windows.get(window);
            if (totals != null) {
                wanted.put(product, totals.revenue().stripTrailingZeros().toPlainString() + " " + totals.orders());
            }
        });
        assertThat(actual).isEqualTo(wanted);
        assertThat(revenues).as("highest revenue first").isSortedAccordingTo((x, y) -> y.compareTo(x));
    }

    static String range() {
        return "?from=" + WINDOWS.get(0) + "&to=" + CURRENT;
    }

    static long sumOfOrders(JsonNode windows) {
        long sum = 0;
        for (JsonNode window : windows) {
            sum += window.get("orders").asLong();
        }
        return sum;
    }

    static Map<String, Integer> summary(List<String> seen) {
        Map<String, Integer> counts = new TreeMap<>();
        seen.forEach(s -> counts.merge(s, 1, Integer::sum));
        return counts;
    }

    static HttpResponse<String> get(Instance instance, String path) {
        return TestHttp.get("http://" + instance.server() + path);
    }

    static int status(Instance instance, String path) {
        return get(instance, path).statusCode();
    }

    static void await(String what, BooleanSupplier condition) {
        TestDriverSupport.await(what, TIMEOUT, condition);
    }
}
