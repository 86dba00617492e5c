package io.orderpipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class StatusProbeTest {

    @Test
    void topProductsAreTheHighestRevenuesOfTheAnswer() throws Exception {
        String json = """
                {"window_start": "2026-11-24T10:00:00Z", "window_end": "2026-11-24T11:00:00Z", "products": [
                  {"product": "mouse", "revenue": 20.10, "orders": 2},
                  {"product": "keyboard", "revenue": 1234.50, "orders": 9},
                  {"product": "webcam", "revenue": 0.30, "orders": 1},
                  {"product": "monitor", "revenue": 999.99, "orders": 3}]}
                """;
        assertThat(StatusProbe.topProducts(json, 3)).containsExactly(
                new Status.ProductLine("keyboard", new BigDecimal("1234.50"), 9),
                new Status.ProductLine("monitor", new BigDecimal("999.99"), 3),
                new Status.ProductLine("mouse", new BigDecimal("20.10"), 2));
        assertThat(StatusProbe.topProducts("{\"products\": []}", 3)).isEmpty();
    }
}
