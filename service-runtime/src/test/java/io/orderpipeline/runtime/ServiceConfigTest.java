package io.orderpipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

    @Test
    void defaultsFollowTheContract() {
        Properties props = ServiceConfig.of(Services.ORDER_FILTER, Map.of()).streamsProperties();
        assertThat(props)
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "order-filter")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "order-filter-dlq")
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetters.OnDeserialization.class.getName())
                .containsEntry("producer.batch.size", "131072")
                .containsEntry(Inputs.MAX_AHEAD_PROPERTY, "300000")
                .doesNotContainKey(StreamsConfig.APPLICATION_SERVER_CONFIG);
        assertThat(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)).startsWith(System.getProperty("java.io.tmpdir"));
        // every key is a real Kafka Streams setting, a producer one behind "producer." (a misspelt
        // one would be silently ignored), or the suite's own, read by its processors
        for (String key : props.stringPropertyNames()) {
            assertThat(StreamsConfig.configDef().names().contains(key) || key.equals(Inputs.MAX_AHEAD_PROPERTY)
                    || key.startsWith(StreamsConfig.PRODUCER_PREFIX)
                            && ProducerConfig.configNames().contains(key.substring(StreamsConfig.PRODUCER_PREFIX.length())))
                    .as(key).isTrue();
        }
    }

    @Test
    void contractVariablesOverrideDefaults() {
        Properties props = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:29092",
                "APPLICATION_ID", "revenue-blue",
                "STATE_DIR", "/var/lib/state",
                "HTTP_PORT", "9000",
                "PROCESSING_GUARANTEE", "at_least_once",
                "NUM_STANDBY_REPLICAS", "1")).streamsProperties();
        assertThat(props)
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:29092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "revenue-blue")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/state")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "revenue-blue-dlq")
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:9000");
    }

    @Test
    void transactionalStoresAndCommittedQueriesByDefault() {
        ServiceConfig config = ServiceConfig.of(Services.CUSTOMER_STATS, Map.of());
        Properties props = config.streamsProperties();
        assertThat(props)
                .containsEntry(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, "true")
                .containsEntry(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_COMMITTED");
        assertThat(config.queryIsolation()).isEqualTo(IsolationLevel.READ_COMMITTED);
        // Kafka Streams accepts both as they are written here
        StreamsConfig streams = new StreamsConfig(props);
        assertThat(streams.getBoolean(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).isTrue();
        assertThat(streams.defaultInteractiveQueryIsolationLevel()).isEqualTo(IsolationLevel.READ_COMMITTED);
    }

    @Test
    void queryIsolationAndTransactionalStoresCanBeChanged() {
        ServiceConfig uncommitted = ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(ServiceConfig.QUERY_ISOLATION, "read_uncommitted"));
        assertThat(uncommitted.queryIsolation()).isEqualTo(IsolationLevel.READ_UNCOMMITTED);
        assertThat(new StreamsConfig(uncommitted.streamsProperties()).defaultInteractiveQueryIsolationLevel())
                .isEqualTo(IsolationLevel.READ_UNCOMMITTED);
        // the Kafka property wins, as every KAFKA_* variable does
        assertThat(ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(
                "KAFKA_DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL", "READ_UNCOMMITTED")).queryIsolation())
                .isEqualTo(IsolationLevel.READ_UNCOMMITTED);
        assertThat(ServiceConfig.of(Services.CUSTOMER_STATS, Map.of("KAFKA_ENABLE_TRANSACTIONAL_STATESTORES", "false"))
                .streamsProperties()).containsEntry(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, "false");
        assertThatThrownBy(() -> ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(ServiceConfig.QUERY_ISOLATION, "serializable"))
                .streamsProperties()).hasMessageContaining(ServiceConfig.QUERY_ISOLATION).hasMessageContaining("serializable");
    }

    @Test
    void maxTimestampAheadIsSecondsFromTheEnvironment() {
        assertThat(ServiceConfig.of(Services.ORDER_FILTER, Map.of(Inputs.MAX_AHEAD_SECONDS, "60")).streamsProperties())
                .containsEntry(Inputs.MAX_AHEAD_PROPERTY, "60000");
        assertThat(ServiceConfig.of(Services.ORDER_FILTER, Map.of(Inputs.MAX_AHEAD_SECONDS, "0")).maxTimestampAhead()).isZero();
        assertThatThrownBy(() -> ServiceConfig.of(Services.ORDER_FILTER, Map.of(Inputs.MAX_AHEAD_SECONDS, "-1")).streamsProperties())
                .hasMessageContaining(Inputs.MAX_AHEAD_SECONDS);
        assertThatThrownBy(() -> ServiceConfig.of(Services.ORDER_FILTER, Map.of(Inputs.MAX_AHEAD_SECONDS, "5m")).streamsProperties())
                .hasMessageContaining(Inputs.MAX_AHEAD_SECONDS);
    }

    @Test
    void aServiceOfTheInventoryAdvertisesItsQueryAddressOnlyIfItServesQueries() {
        for (Service service : Services.ALL) {
            Properties props = ServiceConfig.of(service, Map.of(ServiceConfig.HTTP_PORT, "8085")).streamsProperties();
            assertThat(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).as(service.name())
                    .isEqualTo(service.http() ? "localhost:8085" : null);
        }
        assertThat(Services.ALL.stream().filter(Service::http).map(Service::name))
                .containsExactly("customer-stats", "product-revenue", "customer-join");
    }

    @Test
    void theManagementPortDefaultsToTheQueryPort() {
        assertThat(ServiceConfig.of(Services.ORDER_FILTER, Map.of()).managementPort()).isEqualTo(8080);
        assertThat(ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(ServiceConfig.HTTP_PORT, "8081")).managementPort()).isEqualTo(8081);
        assertThat(ServiceConfig.of(Services.CUSTOMER_STATS, Map.of(ServiceConfig.HTTP_PORT, "8081", ServiceConfig.MANAGEMENT_PORT, "9090"))
                .managementPort()).isEqualTo(9090);
    }

    @Test
    void applicationServerIsTakenAsGiven() {
        ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE,
                Map.of("APPLICATION_SERVER", "product-revenue-2:8080", "HTTP_PORT", "8082"));
        assertThat(config.httpPort()).isEqualTo(8082);
        assertThat(config.streamsProperties()).containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "product-revenue-2:8080");
    }

    @Test
    void anyKafkaPropertyComesFromKafkaPrefixedVariables() {
        Properties props = ServiceConfig.of(Services.ORDER_FILTER, Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";",
                "KAFKA_REPLICATION_FACTOR", "3",
                "KAFKA_PRODUCER_COMPRESSION_TYPE", "lz4",
                "KAFKA_PRODUCER_BATCH_SIZE", "16384",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "OTHER", "x")).streamsProperties();
        assertThat(props)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("replication.factor", "3")
                .containsEntry("producer.compression.type", "lz4")
                .containsEntry("producer.batch.size", "16384")
                .doesNotContainKey("heap.opts")
                .doesNotContainKey("other");
    }

    @Test
    void aServiceDefaultGoesBeforeTheEnvironment() {
        ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of("KAFKA_COMMIT_INTERVAL_MS", "500"))
                .withDefault("commit.interval.ms", "1000")
                .withDefault("statestore.cache.max.bytes", "0");
        assertThat(config.streamsProperties())
                .containsEntry("commit.interval.ms", "500")
                .containsEntry("statestore.cache.max.bytes", "0")
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:8080");
    }

    @Test
    void describeMasksSecrets() {
        String described = ServiceConfig.of(Services.ORDER_FILTER, Map.of(
                "KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required password=\"hunter2\";",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "hunter3",
                "KAFKA_SSL_KEY_PASSWORD", "hunter4")).describe();
        assertThat(described).doesNotContain("hunter2", "hunter3", "hunter4").contains("sasl.jaas.config = ****")
                .contains("processing.guarantee = exactly_once_v2");
    }

    @Test
    void aBadNumberIsAClearError() {
        assertThatThrownBy(() -> ServiceConfig.of(Services.CUSTOMER_STATS, Map.of("HTTP_PORT", "eighty")).httpPort())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HTTP_PORT must be an integer, got 'eighty'");
    }

    @Test
    void blankVariablesMeanDefaults() {
        ServiceConfig config = ServiceConfig.of(Services.ORDER_ENRICHER, Map.of("APPLICATION_ID", "  "));
        assertThat(config.applicationId()).isEqualTo("order-enricher");
    }

    @Test
    void onlyADeclaredVariableOrAKafkaOneCanBeRead() throws Exception {
        ServiceConfig config = ServiceConfig.of(Services.ORDER_FILTER, Map.of("ALERT_TRESHOLD", "5", "KAFKA_LINGER_MS", "7"));
        assertThatThrownBy(() -> config.get("ALERT_TRESHOLD", null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("ALERT_TRESHOLD is read but not declared in " + EnvVariable.class.getName());
        assertThat(config.get(EnvVariable.ALERT_THRESHOLD, "none")).isEqualTo("none");
        assertThat(config.get("KAFKA_LINGER_MS", null)).isEqualTo("7");

        // logback.xml reads variables too: each one declared
        String logback = new String(ServiceConfig.class.getResourceAsStream("/logback.xml").readAllBytes(), StandardCharsets.UTF_8);
        Matcher variable = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(logback);
        int found = 0;
        while (variable.find()) {
            found++;
            assertThat(EnvVariable.named(variable.group(1))).as(variable.group(1) + ", read in logback.xml").isPresent();
        }
        assertThat(found).as("variables in logback.xml").isPositive();
    }
}
