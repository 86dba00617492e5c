package io.orderpipeline.local;

import io.orderpipeline.common.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the five services as the local stack runs it: its jar, the topics it reads (for the lag
 * shown in the status), its HTTP query port (0: none), the port of its health and metrics (the
 * query port, where there is one) and the environment docker-compose.yml gives it.
 */
record ServiceSpec(String name, List<String> inputTopics, int httpPort, int managementPort, Map<String, String> extraEnv) {

    /** The five services, in pipeline order (Topics.SERVICES), with the settings of docker-compose.yml. */
    static final List<ServiceSpec> ALL = List.of(
            // no queries: health and metrics only, on a port of their own
            new ServiceSpec("order-filter", List.of(Topics.ORDERS.name()), 0, 8083, Map.of()),
            new ServiceSpec("order-enricher", List.of(Topics.ORDERS.name()), 0, 8084, Map.of()),
            new ServiceSpec("customer-stats", List.of(Topics.ORDERS.name()), 8081, 8081, Map.of("ALERT_THRESHOLD", "10000")),
            new ServiceSpec("product-revenue", List.of(Topics.ORDERS.name()), 8080, 8080, Map.of("WINDOW_GRACE_SECONDS", "300",
                    // the dashboard at http://localhost:8080/ asks every service's health and metrics
                    "DASHBOARD_SERVICES", "order-filter=http://localhost:8083,order-enricher=http://localhost:8084,"
                            + "customer-stats=http://localhost:8081,product-revenue=self,customer-join=http://localhost:8082")),
            new ServiceSpec("customer-join", List.of(Topics.ORDERS.name(), Topics.CUSTOMERS.name()), 8082, 8082, Map.of()));

    Path jar(Path root) {
        return root.resolve(name).resolve("target").resolve(name + ".jar");
    }

    /** The environment variables the service is started with (on top of this process's own). */
    Map<String, String> environment(String bootstrapServers, Path stateRoot) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("APPLICATION_ID", name);
        env.put("STATE_DIR", stateRoot.resolve(name).toAbsolutePath().toString());
        env.put("PROCESSING_GUARANTEE", "exactly_once_v2");
        env.put("NUM_STANDBY_REPLICAS", "0");
        env.put("KAFKA_REPLICATION_FACTOR", "1");
        if (httpPort > 0) {
            env.put("HTTP_PORT", String.valueOf(httpPort));
            env.put("APPLICATION_SERVER", "localhost:" + httpPort);
        }
        if (managementPort != httpPort) {
            env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
        }
        env.putAll(extraEnv);
        return env;
    }
}
