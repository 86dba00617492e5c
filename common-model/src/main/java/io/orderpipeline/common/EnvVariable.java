package io.orderpipeline.common;

import java.util.List;
import java.util.Optional;

/**
 * Every environment variable the services read, with the services that read it: the one list of
 * them. The code takes each variable's name from here (service-runtime's {@code ServiceConfig},
 * common-http's {@code HttpSecurity}, {@link Inputs}, customer-stats' and product-revenue's apps,
 * product-revenue's {@code Dashboard}), and {@code ServiceConfig} refuses to read a name that is not
 * here; docs/configuration.md's table, docker-compose.yml and deploy/kubernetes are checked against
 * it (e2e-tests' {@code ComposeEnvironmentIT} and {@code KubernetesManifestsIT}). Besides these, a
 * service takes any {@code KAFKA_*} variable ({@link #KAFKA_PREFIX}) as a Kafka property.
 */
public enum EnvVariable {

    KAFKA_BOOTSTRAP_SERVERS(Readers.ALL, "ServiceConfig"),
    APPLICATION_ID(Readers.ALL, "ServiceConfig"),
    STATE_DIR(Readers.ALL, "ServiceConfig"),
    PROCESSING_GUARANTEE(Readers.ALL, "ServiceConfig"),
    NUM_STANDBY_REPLICAS(Readers.ALL, "ServiceConfig"),
    MAX_TIMESTAMP_AHEAD_SECONDS(Readers.ALL, "ServiceConfig, for Inputs"),
    /** Read by order-filter and order-enricher too, but only as the default of MANAGEMENT_PORT: set on them, it does nothing else. */
    HTTP_PORT(Readers.QUERY_SERVICES, "ServiceConfig"),
    MANAGEMENT_PORT(Readers.ALL, "ServiceConfig"),
    APPLICATION_SERVER(Readers.QUERY_SERVICES, "ServiceConfig"),
    QUERY_ISOLATION(Readers.QUERY_SERVICES, "ServiceConfig"),
    HTTP_BIND_ADDRESS(Readers.ALL, "HttpSecurity"),
    HTTP_TLS_KEYSTORE(Readers.ALL, "HttpSecurity"),
    HTTP_TLS_KEYSTORE_PASSWORD(Readers.ALL, "HttpSecurity"),
    HTTP_TLS_TRUSTSTORE(Readers.ALL, "HttpSecurity"),
    HTTP_TLS_TRUSTSTORE_PASSWORD(Readers.ALL, "HttpSecurity"),
    HTTP_AUTH_TOKEN(Readers.ALL, "HttpSecurity"),
    HTTP_AUTH_USER(Readers.ALL, "HttpSecurity"),
    HTTP_AUTH_PASSWORD(Readers.ALL, "HttpSecurity"),
    ALERT_THRESHOLD(List.of(Services.CUSTOMER_STATS.name()), "CustomerStatsApp"),
    WINDOW_GRACE_SECONDS(List.of(Services.PRODUCT_REVENUE.name()), "ProductRevenueApp"),
    IDLE_PARTITION_SECONDS(List.of(Services.PRODUCT_REVENUE.name()), "ProductRevenueApp"),
    DASHBOARD_SERVICES(List.of(Services.PRODUCT_REVENUE.name()), "Dashboard"),
    /** Read by Logback (service-runtime's logback.xml), not by a class. */
    LOG_LEVEL(Readers.ALL, "logback.xml");

    /** The prefix of the variables that are Kafka properties. */
    public static final String KAFKA_PREFIX = "KAFKA_";

    private final List<String> services;
    private final String readIn;

    EnvVariable(List<String> services, String readIn) {
        this.services = List.copyOf(services);
        this.readIn = readIn;
    }

    /** The services (application names, {@link Services#NAMES}) that read it, in pipeline order. */
    public List<String> services() {
        return services;
    }

    /** Whether {@code service} reads it. */
    public boolean readBy(String service) {
        return services.contains(service);
    }

    /** Where it is read: a class, or a configuration file. */
    public String readIn() {
        return readIn;
    }

    /** The declared variable of that name, if any. */
    public static Optional<EnvVariable> named(String name) {
        for (EnvVariable variable : values()) {
            if (variable.name().equals(name)) {
                return Optional.of(variable);
            }
        }
        return Optional.empty();
    }

    /** Who reads what, as lists of service names. */
    private static final class Readers {
        static final List<String> ALL = Services.NAMES;
        static final List<String> QUERY_SERVICES = Services.ALL.stream().filter(Service::http).map(Service::name).toList();
    }
}
