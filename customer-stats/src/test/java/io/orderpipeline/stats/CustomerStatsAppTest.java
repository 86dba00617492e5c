package io.orderpipeline.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.CustomerAlert;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.TestDrivers;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

class CustomerStatsAppTest {

    private static BigDecimal threshold(Map<String, String> env) {
        return CustomerStatsApp.alertThreshold(ServiceConfig.of("customer-stats", true, env));
    }

    @Test
    void alertThresholdDefaultsTo10000() {
        assertThat(threshold(Map.of())).isEqualTo(new BigDecimal("10000"));
        assertThat(threshold(Map.of("ALERT_THRESHOLD", " "))).isEqualTo(new BigDecimal("10000"));
    }

    @Test
    void alertThresholdComesFromTheEnvironmentExactly() {
        assertThat(threshold(Map.of("ALERT_THRESHOLD", "2500.75"))).isEqualTo(new BigDecimal("2500.75"));
        assertThat(threshold(Map.of("ALERT_THRESHOLD", "0"))).isEqualTo(new BigDecimal("0"));
    }

    @Test
    void aBadAlertThresholdStopsTheServiceWithAClearMessage() {
        for (String bad : new String[] {"ten thousand", "-1", "1e", "NaN"}) {
            assertThatThrownBy(() -> threshold(Map.of("ALERT_THRESHOLD", bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ALERT_THRESHOLD")
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void theTopologyAlertsAtTheThresholdFromTheEnvironment() {
        ServiceConfig config = ServiceConfig.of("customer-stats", true, Map.of("ALERT_THRESHOLD", "5"));
        try (TopologyTestDriver driver = TestDrivers.driver("customer-stats", CustomerStatsApp.topology(config))) {
            TestDriverSupport.input(driver, Topics.ORDERS).pipeInput("1", new Order(1, 42, new BigDecimal("5.01"), "pen", null));
            assertThat(TestDriverSupport.output(driver, Topics.CUSTOMER_ALERTS).readValue())
                    .isEqualTo(new CustomerAlert(42, 1, new BigDecimal("5.01"), new BigDecimal("5")));
        }
    }
}
