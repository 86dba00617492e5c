package io.orderpipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.Services;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackTest {

    @Test
    void generatorGetsTheLocalBrokerAndTheDefaultsTheUserDidNotReplace() {
        assertThat(LocalStack.generatorArgs(List.of())).containsExactly("--bootstrap-server", "127.0.0.1:9092",
                "--rate", "50", "--customers", "1000", "--products", "20", "--bad-ratio", "0.01");
        assertThat(LocalStack.generatorArgs(List.of("--rate", "200", "--bad-ratio=0", "--seed", "7")))
                .containsExactly("--bootstrap-server", "127.0.0.1:9092", "--customers", "1000", "--products", "20",
                        "--rate", "200", "--bad-ratio=0", "--seed", "7");
    }

    @Test
    void anotherBootstrapServerIsRefused() {
        assertThatThrownBy(() -> LocalStack.generatorArgs(List.of("--bootstrap-server", "kafka:9092")))
                .hasMessageContaining("127.0.0.1:9092");
        assertThatThrownBy(() -> LocalStack.generatorArgs(List.of("--bootstrap-server=kafka:9092")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsEveryServiceOfTheInventoryWithTheComposeEnvironment() {
        assertThat(LocalStack.modules()).containsExactly("order-filter", "order-enricher", "customer-stats", "product-revenue",
                "customer-join", "data-generator");
        assertThat(LocalStack.requiredPorts()).containsOnlyKeys(9092, 8080, 8081, 8082, 8083, 8084)
                .containsEntry(8080, "product-revenue HTTP").containsEntry(8081, "customer-stats HTTP")
                .containsEntry(8082, "customer-join HTTP").containsEntry(8083, "order-filter health and metrics")
                .containsEntry(8084, "order-enricher health and metrics");

        Map<String, String> env = LocalStack.environment(Services.named("product-revenue"), "127.0.0.1:9092",
                Path.of("/repo/.local-stack/state"));
        assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
                .containsEntry("APPLICATION_ID", "product-revenue")
                .containsEntry("STATE_DIR", "/repo/.local-stack/state/product-revenue")
                .containsEntry("HTTP_PORT", "8080")
                .containsEntry("APPLICATION_SERVER", "localhost:8080")
                .containsEntry("PROCESSING_GUARANTEE", "exactly_once_v2")
                .containsEntry("WINDOW_GRACE_SECONDS", "300")
                .containsEntry("DASHBOARD_SERVICES", "order-filter=http://localhost:8083,order-enricher=http://localhost:8084,"
                        + "customer-stats=http://localhost:8081,product-revenue=self,customer-join=http://localhost:8082")
                .doesNotContainKey("MANAGEMENT_PORT"); // the query port
        assertThat(LocalStack.requiredJars(Path.of("/repo"))).contains(Path.of("/repo/product-revenue/target/product-revenue.jar"));

        assertThat(LocalStack.environment(Services.named("order-filter"), "127.0.0.1:9092", Path.of("/s")))
                .doesNotContainKeys("HTTP_PORT", "APPLICATION_SERVER").containsEntry("MANAGEMENT_PORT", "8083");
        assertThat(LocalStack.environment(Services.named("customer-stats"), "127.0.0.1:9092", Path.of("/s")))
                .containsEntry("ALERT_THRESHOLD", "10000");
        assertThat(LocalStack.SERVICE_JVM_OPTIONS).containsExactly("-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    }
}
