package io.orderpipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.Services;
import io.orderpipeline.runtime.ServiceConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ProductRevenueAppTest {

    private static ServiceConfig config(Map<String, String> env) {
        return ServiceConfig.of(Services.PRODUCT_REVENUE, env);
    }

    @Test
    void graceDefaultsToFiveMinutes() {
        assertThat(ProductRevenueApp.grace(config(Map.of()))).isEqualTo(Duration.ofMinutes(5));
        assertThat(ProductRevenueApp.grace(config(Map.of("WINDOW_GRACE_SECONDS", " ")))).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void graceComesFromWindowGraceSeconds() {
        assertThat(ProductRevenueApp.grace(config(Map.of("WINDOW_GRACE_SECONDS", "0")))).isEqualTo(Duration.ZERO);
        assertThat(ProductRevenueApp.grace(config(Map.of("WINDOW_GRACE_SECONDS", "600")))).isEqualTo(Duration.ofMinutes(10));
        assertThat(ProductRevenueApp.grace(config(Map.of("WINDOW_GRACE_SECONDS", "82800")))).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void anInvalidGraceIsRejectedByName() {
        for (String bad : new String[] {"five", "1.5", "-1", "82801"}) {
            assertThatThrownBy(() -> ProductRevenueApp.grace(config(Map.of("WINDOW_GRACE_SECONDS", bad))))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("WINDOW_GRACE_SECONDS");
        }
    }

    @Test
    void idlenessDefaultsToThirtySecondsAndComesFromIdlePartitionSeconds() {
        assertThat(ProductRevenueApp.idleness(config(Map.of()))).isEqualTo(Duration.ofSeconds(30));
        assertThat(ProductRevenueApp.idleness(config(Map.of("IDLE_PARTITION_SECONDS", "600")))).isEqualTo(Duration.ofMinutes(10));
        for (String bad : new String[] {"0", "-1", "soon"}) {
            assertThatThrownBy(() -> ProductRevenueApp.idleness(config(Map.of("IDLE_PARTITION_SECONDS", bad))))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("IDLE_PARTITION_SECONDS");
        }
    }

    @Test
    void theServiceRunsAsProductRevenueWithAnApplicationServerForQueries() {
        ServiceConfig config = config(Map.of("HTTP_PORT", "8082", "WINDOW_GRACE_SECONDS", "60"));
        assertThat(config.streamsProperties())
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "product-revenue")
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:8082");
        assertThat(ProductRevenueApp.topology(config, 3).describe().toString()).contains(ProductRevenueTopology.STORE);
    }
}
