package io.orderpipeline.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Services;
import io.orderpipeline.runtime.ServiceConfig;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class CustomerJoinAppTest {

    @Test
    void theJoinWaitsForCustomersStillInAnOpenTransactionUnlessToldOtherwise() {
        assertThat(CustomerJoinApp.config(ServiceConfig.of(Services.CUSTOMER_JOIN, Map.of())).streamsProperties())
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "1000");
        assertThat(CustomerJoinApp.config(ServiceConfig.of(Services.CUSTOMER_JOIN, Map.of("KAFKA_MAX_TASK_IDLE_MS", "-1")))
                .streamsProperties()).containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
    }

    @Test
    void underExactlyOnceTheJoinWaitsTwiceTheCommitIntervalForACustomerInAnOpenTransaction() {
        assertThat(idle(Map.of("KAFKA_COMMIT_INTERVAL_MS", "5000"))).isEqualTo("10000");
        assertThat(idle(Map.of("KAFKA_COMMIT_INTERVAL_MS", "300"))).isEqualTo("1000");
        // at-least-once: a customer is readable once written
        assertThat(idle(Map.of("KAFKA_COMMIT_INTERVAL_MS", "5000", "PROCESSING_GUARANTEE", "at_least_once"))).isEqualTo("1000");
        assertThat(idle(Map.of("KAFKA_COMMIT_INTERVAL_MS", "5000", "KAFKA_MAX_TASK_IDLE_MS", "0"))).isEqualTo("0");
    }

    private static String idle(Map<String, String> env) {
        return CustomerJoinApp.config(ServiceConfig.of(Services.CUSTOMER_JOIN, env)).streamsProperties()
                .getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG);
    }
}
