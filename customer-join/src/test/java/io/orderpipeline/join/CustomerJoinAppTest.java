package io.orderpipeline.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.runtime.ServiceConfig;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class CustomerJoinAppTest {

    @Test
    void theJoinWaitsForCustomersStillInAnOpenTransactionUnlessToldOtherwise() {
        assertThat(CustomerJoinApp.config(ServiceConfig.of(CustomerJoinApp.SERVICE, true, Map.of())).streamsProperties())
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "1000");
        assertThat(CustomerJoinApp.config(ServiceConfig.of(CustomerJoinApp.SERVICE, true, Map.of("KAFKA_MAX_TASK_IDLE_MS", "-1")))
                .streamsProperties()).containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
    }
}
