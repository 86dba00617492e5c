package io.orderpipeline.local;

import io.orderpipeline.common.Json;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ClusterReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;

/**
 * Measures what the status block shows: records in {@code orders} (its committed end offsets), each
 * service's consumer-group lag on its input topics, alerts raised (records in
 * {@code customer-alerts}, counted by a {@code read_committed} consumer, since under exactly-once
 * the end offsets also count transaction markers) and the top products of the hour from
 * product-revenue's HTTP API. Each service's health is {@code ServiceProcess.readiness}. Used from
 * one thread only.
 */
final class StatusProbe implements AutoCloseable {

    private static final long TIMEOUT_MS = 1500;

    private final ClusterReader cluster;
    private final KafkaConsumer<byte[], byte[]> alerts;
    private final HttpClient http;
    private final URI revenueUri;
    private long alertsRaised;
    private String alertedCustomer;

    StatusProbe(String bootstrapServers, URI revenueUri) {
        this.cluster = new ClusterReader(bootstrapServers, Map.of(), Duration.ofMillis(TIMEOUT_MS));
        this.alerts = cluster.consumer(IsolationLevel.READ_COMMITTED);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();
        this.revenueUri = revenueUri;
    }

    /** Records in {@code orders}: the sum of its partitions' last stable offsets. */
    OptionalLong ordersProduced() {
        try {
            return OptionalLong.of(cluster.committedEndOffsets(Topics.ORDERS.name()).values().stream().mapToLong(Long::longValue).sum());
        } catch (KafkaException | IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    /** The lag of consumer group {@code groupId} on {@code topics}; empty before it commits anything. */
    OptionalLong lag(String groupId, List<String> topics) {
        try {
            return cluster.lag(groupId, topics);
        } catch (KafkaException | IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    /** The customer of the latest alert read (one with orders, to show in the hint), or null. */
    String alertedCustomer() {
        return alertedCustomer;
    }

    /** Records in {@code customer-alerts} so far, read with {@code read_committed}. */
    OptionalLong alertsRaised() {
        try {
            if (alerts.assignment().isEmpty()) {
                alerts.assign(cluster.partitions(Topics.CUSTOMER_ALERTS.name()));
            }
            for (int i = 0; i < 5; i++) {
                var records = alerts.poll(Duration.ofMillis(100));
                alertsRaised += records.count();
                records.forEach(record -> alertedCustomer = new String(record.key(), StandardCharsets.UTF_8));
                if (records.isEmpty()) {
                    break;
                }
            }
            return OptionalLong.of(alertsRaised);
        } catch (KafkaException | IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    /** The top {@code n} products of the window holding now, from product-revenue's {@code GET /revenue?at=}. */
    Status.TopProducts topProducts(int n) {
        URI uri = URI.create(revenueUri + "?at=" + Instant.now().toEpochMilli());
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(TIMEOUT_MS)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Status.TopProducts.unavailable("starting (HTTP " + response.statusCode() + ")");
            }
            return Status.TopProducts.of(topProducts(response.body(), n));
        } catch (IOException | RuntimeException e) {
            return Status.TopProducts.unavailable("starting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.TopProducts.unavailable("starting");
        }
    }

    /** The {@code n} products with the highest revenue in a {@code GET /revenue} answer. */
    static List<Status.ProductLine> topProducts(String json, int n) throws IOException {
        RevenueAnswer answer = Json.MAPPER.readValue(json, RevenueAnswer.class);
        List<Status.ProductLine> lines = new ArrayList<>(answer.products() == null ? List.of() : answer.products());
        lines.sort(Comparator.comparing(Status.ProductLine::revenue).reversed());
        return lines.subList(0, Math.min(n, lines.size()));
    }

    /** The part of product-revenue's {@code GET /revenue} answer the status shows. */
    private record RevenueAnswer(List<Status.ProductLine> products) {
    }

    @Override
    public void close() {
        alerts.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        cluster.close();
    }
}
