package io.orderpipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StatusProbeTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition CUSTOMERS_0 = new TopicPartition("customers", 0);
    private static final List<TopicPartition> INPUTS = List.of(ORDERS_0, ORDERS_1, CUSTOMERS_0);
    private static final Map<TopicPartition, Long> ENDS = Map.of(ORDERS_0, 100L, ORDERS_1, 50L, CUSTOMERS_0, 7L);

    @Test
    void healthIsWhatTheServicesReadinessEndpointAnswers() throws Exception {
        com.sun.net.httpserver.HttpServer ready = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(200);
        ready.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        ready.start();
        int port = ready.getAddress().getPort();
        // no broker: the probe's Kafka clients are never asked here
        try (StatusProbe probe = new StatusProbe("127.0.0.1:1", java.net.URI.create("http://127.0.0.1:1/"))) {
            assertThat(probe.health(port)).isEqualTo("ready");
            status.set(503);
            assertThat(probe.health(port)).isEqualTo("not ready");
            status.set(500);
            assertThat(probe.health(port)).isEqualTo("HTTP 500");
            ready.stop(0);
            assertThat(probe.health(port)).isEqualTo("no answer");
        } finally {
            ready.stop(0);
        }
    }

    @Test
    void noCommittedOffsetOnTheInputsMeansStillStarting() {
        // offsets of other topics (an internal repartition topic) do not count as started
        Map<TopicPartition, OffsetAndMetadata> committed =
                Map.of(new TopicPartition("customer-stats-orders-by-customer-repartition", 0), new OffsetAndMetadata(5));
        assertThat(StatusProbe.lag(INPUTS, ENDS, committed)).isEmpty();
        assertThat(StatusProbe.lag(INPUTS, ENDS, Map.of())).isEmpty();
    }

    @Test
    void lagIsEndMinusCommittedSummedAndAnUncommittedPartitionCountsFromZero() {
        Map<TopicPartition, OffsetAndMetadata> committed =
                Map.of(ORDERS_0, new OffsetAndMetadata(90), CUSTOMERS_0, new OffsetAndMetadata(7));
        assertThat(StatusProbe.lag(INPUTS, ENDS, committed)).hasValue(10 + 50);
    }

    @Test
    void caughtUpIsZeroAndNeverNegative() {
        // a committed offset past the last stable offset (a transaction still open) is not negative lag
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(ORDERS_0, new OffsetAndMetadata(101),
                ORDERS_1, new OffsetAndMetadata(50), CUSTOMERS_0, new OffsetAndMetadata(7));
        assertThat(StatusProbe.lag(INPUTS, ENDS, committed)).hasValue(0);
    }

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
