package io.orderpipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StatusViewTest {

    private static Status.Child running(String name) {
        return new Status.Child(name, OptionalInt.empty(), ".local-stack/logs/" + name + ".log");
    }

    private static Status.Child exited(String name, int code) {
        return new Status.Child(name, OptionalInt.of(code), ".local-stack/logs/" + name + ".log");
    }

    private static Status status(Status.Child generator, List<Status.Service> services, Status.TopProducts top) {
        return new Status(Duration.ofSeconds(125), "127.0.0.1:9092", OptionalLong.of(12345), generator, services,
                OptionalLong.of(4), top, "317");
    }

    @Test
    void showsOrdersLagPerServiceAlertsTopProductsAndWhatToTry() {
        List<String> lines = StatusView.render(status(running("data-generator"), List.of(
                new Status.Service(running("order-filter"), 0, OptionalLong.of(0), "ready"),
                new Status.Service(running("customer-stats"), 8081, OptionalLong.of(1500), "not ready"),
                new Status.Service(running("customer-join"), 0, OptionalLong.empty(), "no answer")),
                Status.TopProducts.of(List.of(new Status.ProductLine("keyboard", new BigDecimal("1234.50"), 9),
                        new Status.ProductLine("monitor", new BigDecimal("999.99"), 3)))));

        assertThat(lines.get(0)).contains("up 2m05s").contains("127.0.0.1:9092");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("orders produced").contains("12,345")
                .contains("data-generator running"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("order-filter").contains("lag 0").endsWith("ready"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("customer-stats").contains("lag 1,500").contains("not ready")
                .contains(":8081"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("customer-join").contains("starting").endsWith("no answer"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("alerts raised").endsWith(" 4"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("top products")
                .contains("keyboard 1234.50 (9) · monitor 999.99 (3)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("curl localhost:8080/stats/keyboard"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("curl localhost:8081/customers/317/stats"));
        assertThat(lines).noneMatch(l -> l.contains("DIED"));
    }

    @Test
    void aDeadServiceIsShownWithItsExitCodeAndLog() {
        List<String> lines = StatusView.render(status(exited("data-generator", 1), List.of(
                new Status.Service(exited("product-revenue", 1), 8080, OptionalLong.of(3), "no answer")),
                Status.TopProducts.unavailable("starting")));

        assertThat(lines).anySatisfy(l -> assertThat(l).contains("product-revenue")
                .contains("DIED (exit code 1), see .local-stack/logs/product-revenue.log"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("data-generator DIED, exit code 1")
                .contains(".local-stack/logs/data-generator.log"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("top products").contains("starting"));
    }

    @Test
    void unknownNumbersAndAFinishedGeneratorAndNoSales() {
        Status status = new Status(Duration.ofSeconds(5), "127.0.0.1:9092", OptionalLong.empty(),
                exited("data-generator", 0), List.of(), OptionalLong.empty(), Status.TopProducts.of(List.of()), null);
        List<String> lines = StatusView.render(status);

        assertThat(lines).anySatisfy(l -> assertThat(l).contains("orders produced").contains("?")
                .contains("data-generator finished"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("alerts raised").endsWith("?"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("no sales yet"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("curl localhost:8081/customers/{customer_id}/stats"));
    }

    @Test
    void uptimeIsCompact() {
        assertThat(StatusView.uptime(Duration.ofSeconds(9))).isEqualTo("9s");
        assertThat(StatusView.uptime(Duration.ofSeconds(61))).isEqualTo("1m01s");
        assertThat(StatusView.uptime(Duration.ofSeconds(3 * 3600 + 7 * 60 + 5))).isEqualTo("3h07m");
    }
}
