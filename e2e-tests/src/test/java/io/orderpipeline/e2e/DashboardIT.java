package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ServiceProcess;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * product-revenue's dashboard ({@code GET /}) in a real browser: headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}, driven by Selenium through {@code /usr/bin/chromedriver},
 * so Selenium Manager never goes online) on product-revenue and customer-stats started from their jars
 * on a test broker. Known orders in; the numbers on the page are those the API answers, exactly; they
 * change when more orders arrive; the chart is the last 24 h of {@code /revenue/{product}}; the alerts
 * are customer-stats'; each service's health is shown; when customer-stats stops its parts say so,
 * and when product-revenue stops the page shows an error and no number at all.
 * Skipped (with the reason) when Chromium is not installed, unless {@code CI} is set: then it fails.
 * The screenshot it takes is {@code e2e-tests/target/e2e/dashboard.png} (docs/dashboard.png is one of these).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    static final long ALERT_THRESHOLD = 1000;
    static final long ALERTED_CUSTOMER = 77;

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static ServiceProcess customerStats;
    static ServiceProcess productRevenue;
    static int customerStatsPort;
    static int productRevenuePort;
    static KafkaProducer<String, Order> producer;
    static ChromeDriver browser;
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final AtomicLong orderIds = new AtomicLong();
    /** This hour, for the whole test: it starts at least {@link #HOUR_MARGIN} before the next. */
    static Instant HOUR;
    static final Duration HOUR_MARGIN = Duration.ofMinutes(3);

    @BeforeAll
    static void startServicesAndBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = "DashboardIT needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install -y chromium chromium-driver; .ci/run installs them)";
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank()) {
                throw new IllegalStateException(missing + ": CI is set, so the browser test must run");
            }
            Assumptions.abort(missing + ": skipped (CI is not set)");
        }
        // the page and the API both follow the hour; the test's own checks are simpler within one hour
        Instant next = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        if (Instant.now().plus(HOUR_MARGIN).isAfter(next)) {
            sleep(Duration.between(Instant.now(), next).plusSeconds(1));
        }
        HOUR = Instant.now().truncatedTo(ChronoUnit.HOURS);
        broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
        ContractTopics.create(broker.bootstrapServers(), 3);
        int[] ports = KafkaBroker.freePorts(2);
        customerStatsPort = ports[0];
        productRevenuePort = ports[1];
        Path root = Pipeline.projectRoot();
        Path logs = root.resolve("e2e-tests/target/e2e/dashboard-" + System.currentTimeMillis());
        customerStats = Pipeline.process("customer-stats", ServiceProcess.env(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "STATE_DIR", dir.resolve("state-customer-stats").toString(),
                "HTTP_PORT", String.valueOf(customerStatsPort),
                "APPLICATION_SERVER", "127.0.0.1:" + customerStatsPort,
                "ALERT_THRESHOLD", String.valueOf(ALERT_THRESHOLD),
                "KAFKA_COMMIT_INTERVAL_MS", "100"), logs.resolve("customer-stats.log"), Pipeline.JVM_OPTIONS).useCopyOfJarIn(dir.resolve("jars"));
        productRevenue = Pipeline.process("product-revenue", ServiceProcess.env(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "STATE_DIR", dir.resolve("state-product-revenue").toString(),
                "HTTP_PORT", String.valueOf(productRevenuePort),
                "APPLICATION_SERVER", "127.0.0.1:" + productRevenuePort,
                "DASHBOARD_SERVICES", "order-filter,customer-stats=http://127.0.0.1:" + customerStatsPort + ",product-revenue=self",
                "KAFKA_COMMIT_INTERVAL_MS", "100"), logs.resolve("product-revenue.log"), Pipeline.JVM_OPTIONS).useCopyOfJarIn(dir.resolve("jars"));
        customerStats.start();
        productRevenue.start();
        await("both services ready", START_TIMEOUT, () -> status(customerStatsPort, "/health/ready") == 200
                && status(productRevenuePort, "/health/ready") == 200);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producer = new KafkaProducer<>(props, Topics.ORDERS.keySerde().serializer(), Topics.ORDERS.valueSerde().serializer());

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,960", "--user-data-dir=" + dir.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(logs.resolve("chromedriver.log").toFile())
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        TestDriverSupport.closeAll(browser == null ? null : browser::quit, producer, productRevenue, customerStats, broker);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void theNumbersOnThePageAreTheApisAndChangeWhenOrdersArrive() throws IOException {
        // three earlier hours, then this one; 0.10 + 0.20 is 0.30 on the page too
        for (int hoursAgo = 3; hoursAgo >= 1; hoursAgo--) {
            send(HOUR.minus(Duration.ofHours(hoursAgo)).plusSeconds(60), 1, "keyboard", String.valueOf(10 * hoursAgo) + ".50");
            send(HOUR.minus(Duration.ofHours(hoursAgo)).plusSeconds(120), 2, "mouse", "5.05");
        }
        send(now(), 1, "keyboard", "149.99");
        send(now(), 2, "mouse", "0.10");
        send(now(), 3, "mouse", "0.20");
        send(now(), 4, "monitor", "300.00");
        send(now(), ALERTED_CUSTOMER, "laptop", "1500.01"); // over ALERT_THRESHOLD: one alert
        producer.flush();
        await("the API has every product of this hour", TIMEOUT, () -> apiProducts().size() == 4);

        browser.get("http://127.0.0.1:" + productRevenuePort + "/");
        List<Map<String, String>> first = awaitPageEqualsApi();
        assertThat(first).extracting(row -> row.get("product")).containsExactlyInAnyOrder("keyboard", "mouse", "monitor", "laptop");
        assertThat(first).filteredOn(row -> row.get("product").equals("mouse")).singleElement()
                .satisfies(row -> assertThat(row.get("revenue")).isEqualTo("0.30"));
        assertThat(browser.findElement(By.id("status")).getDomAttribute("class")).isEqualTo("live");

        // the chart: the last 24 hours of each product shown, as /revenue/{product} answers them
        await("the chart is drawn", TIMEOUT, () -> script("return window.dashboard.chart") != null
                && !browser.findElements(By.cssSelector("#chart canvas")).isEmpty());
        @SuppressWarnings("unchecked")
        Map<String, Object> chart = (Map<String, Object>) script("return window.dashboard.chart");
        @SuppressWarnings("unchecked")
        List<String> products = (List<String>) chart.get("products");
        @SuppressWarnings("unchecked")
        List<String> hours = (List<String>) chart.get("hours");
        @SuppressWarnings("unchecked")
        List<List<String>> values = (List<List<String>>) chart.get("values");
        assertThat(products).containsExactlyInAnyOrder("keyboard", "mouse", "monitor", "laptop");
        assertThat(hours).hasSize(24).endsWith(HOUR.toString().replace("Z", ".000Z"));
        for (int i = 0; i < products.size(); i++) {
            Map<String, BigDecimal> api = new LinkedHashMap<>();
            for (JsonNode window : get(productRevenuePort, "/revenue/" + products.get(i)).get("windows")) {
                api.put(Instant.parse(window.get("window_start").asText()).toString(), window.get("revenue").decimalValue());
            }
            for (int h = 0; h < hours.size(); h++) {
                BigDecimal expected = api.getOrDefault(Instant.parse(hours.get(h)).toString(), BigDecimal.ZERO);
                assertThat(new BigDecimal(values.get(i).get(h))).as(products.get(i) + " at " + hours.get(h)).isEqualByComparingTo(expected);
            }
        }
        assertThat(values.get(products.indexOf("keyboard")).get(20)).isEqualTo("30.50");

        // alerts as customer-stats answers them; every service's health
        await("the alert is shown", TIMEOUT, () -> !browser.findElements(By.cssSelector("#alerts tr[data-customer]")).isEmpty());
        JsonNode alerts = get(customerStatsPort, "/alerts?limit=10").get("alerts");
        assertThat(alerts).hasSize(1);
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) script("const r = document.querySelector('#alerts tr[data-customer]');"
                + " return [r.dataset.customer, r.querySelector('.total').innerText]");
        assertThat(shown.get(0)).isEqualTo(String.valueOf(ALERTED_CUSTOMER));
        assertThat(new BigDecimal(shown.get(1))).isEqualByComparingTo(alerts.get(0).get("total").decimalValue()).isEqualTo(new BigDecimal("1500.01"));
        await("every service's health is shown", TIMEOUT, () -> health().equals(Map.of(
                "order-filter", "no endpoint configured", "customer-stats", "ready", "product-revenue", "ready")));
        assertThat(script("return document.querySelector(\"#services tr[data-service='product-revenue'] .lag\").innerText"))
                .asString().matches("[0-9]+");
        screenshot();
        // the answers behind the page, in the test's output (the README quotes them)
        for (String path : List.of("/dashboard/services", "/dashboard/alerts?limit=10")) {
            System.out.println("GET " + path + " -> " + get(productRevenuePort, path));
        }

        // more orders: the page follows
        send(now(), 5, "mouse", "1.25");
        send(now(), 6, "webcam", "49.90");
        producer.flush();
        await("the API has the new orders", TIMEOUT, () -> apiProducts().size() == 5);
        List<Map<String, String>> second = awaitPageEqualsApi();
        assertThat(second).isNotEqualTo(first);
        assertThat(second).filteredOn(row -> row.get("product").equals("mouse")).singleElement()
                .satisfies(row -> assertThat(row.get("revenue")).isEqualTo("1.55"));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void customerStatsGoneIsShownAsSuchAndTheRevenueStaysLive() {
        customerStats.stop(Pipeline.STOP_TIMEOUT);
        await("customer-stats shown unreachable, its alerts gone", TIMEOUT, () -> "unreachable".equals(health().get("customer-stats"))
                && browser.findElements(By.cssSelector("#alerts tr[data-customer]")).isEmpty()
                && browser.findElement(By.id("alerts")).getText().contains("customer-stats did not answer"));
        assertThat(browser.findElement(By.id("status")).getDomAttribute("class")).isEqualTo("live");
        assertThat(pageProducts()).isNotEmpty();
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void productRevenueGoneIsAnErrorWithNoStaleNumbers() {
        productRevenue.stop(Pipeline.STOP_TIMEOUT);
        await("the page shows the error", TIMEOUT, () -> "error".equals(browser.findElement(By.id("status")).getDomAttribute("class")));
        assertThat(browser.findElement(By.id("status")).getText()).startsWith("error:");
        assertThat(pageProducts()).isEmpty();
        assertThat(browser.findElement(By.id("products")).getText()).startsWith("no data:");
        assertThat(browser.findElement(By.id("total-revenue")).getText()).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#services tr[data-service]"))).isEmpty();
        assertThat(script("return window.dashboard.products")).isNull();
    }

    /** Waits until the page's table is the API's {@code GET /revenue} (both read again each try), and returns it. */
    static List<Map<String, String>> awaitPageEqualsApi() {
        List<List<Map<String, String>>> seen = new ArrayList<>(List.of(List.of(), List.of()));
        try {
            await("the page shows what GET /revenue answers", TIMEOUT, () -> {
                seen.set(1, apiProducts());
                seen.set(0, pageProducts());
                return !seen.get(0).isEmpty() && equalNumbers(seen.get(0), seen.get(1));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen on the page " + seen.get(0) + ", from the API " + seen.get(1)
                    + ", status " + script("return document.getElementById('status').innerText"), e);
        }
        return seen.get(0);
    }

    static boolean equalNumbers(List<Map<String, String>> page, List<Map<String, String>> api) {
        if (page.size() != api.size()) {
            return false;
        }
        for (int i = 0; i < page.size(); i++) {
            Map<String, String> shown = page.get(i);
            Map<String, String> answered = api.get(i);
            if (!shown.get("product").equals(answered.get("product")) || !shown.get("orders").equals(answered.get("orders"))
                    || new BigDecimal(shown.get("revenue")).compareTo(new BigDecimal(answered.get("revenue"))) != 0) {
                return false;
            }
        }
        return true;
    }

    static List<Map<String, String>> apiProducts() {
        List<Map<String, String>> products = new ArrayList<>();
        for (JsonNode product : get(productRevenuePort, "/revenue").get("products")) {
            products.add(Map.of("product", product.get("product").asText(),
                    "revenue", product.get("revenue").decimalValue().toPlainString(),
                    "orders", product.get("orders").asText()));
        }
        return products;
    }

    /** The rows of the page's table as shown (their rendered text), read in one go: the page redraws them every second. */
    @SuppressWarnings("unchecked")
    static List<Map<String, String>> pageProducts() {
        return (List<Map<String, String>>) script("return [...document.querySelectorAll('#products tr[data-product]')].map(r => ({"
                + "product: r.querySelector('.product').innerText, revenue: r.querySelector('.revenue').innerText,"
                + " orders: r.querySelector('.orders').innerText}))");
    }

    /** Each service's health as shown, by name. */
    @SuppressWarnings("unchecked")
    static Map<String, String> health() {
        return (Map<String, String>) script("return Object.fromEntries([...document.querySelectorAll('#services tr[data-service]')]"
                + ".map(r => [r.dataset.service, r.querySelector('.health').innerText]))");
    }

    static void screenshot() throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Pipeline.projectRoot().resolve("e2e-tests/target/e2e/dashboard.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    static Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    static Instant now() {
        return Instant.now();
    }

    static void send(Instant timestamp, long customer, String product, String amount) {
        long orderId = orderIds.incrementAndGet();
        producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, timestamp.toEpochMilli(), String.valueOf(orderId),
                new Order(orderId, customer, new BigDecimal(amount), product, "paid")));
    }

    static int status(int port, String path) {
        try {
            return client.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode get(int port, String path) {
        try {
            HttpResponse<String> response = client.send(request(port, path), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + " " + response.body());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
    }

    /** Retries {@code condition} (an exception counts as not yet) every 200 ms until {@code timeout}. */
    static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what, last);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(0, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
