package io.orderpipeline.local;

import io.orderpipeline.common.Json;
import io.orderpipeline.common.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures what the status block shows: records in {@code orders} (its committed end offsets), each
 * service's consumer-group lag on its input topics, alerts raised (records in
 * {@code customer-alerts}, counted by a {@code read_committed} consumer, since under exactly-once
 * the end offsets also count transaction markers) and the top products of the hour from
 * product-revenue's HTTP API. Used from one thread only.
 */
final class StatusProbe implements AutoCloseable {

    private static final long TIMEOUT_MS = 1500;

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> alerts;
    private final HttpClient http;
    private final URI revenueUri;
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();
    private long alertsRaised;
    private String alertedCustomer;

    StatusProbe(String bootstrapServers, URI revenueUri) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-status");
        this.admin = Admin.create(props);
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "local-stack-alerts");
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.alerts = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();
        this.revenueUri = revenueUri;
    }

    /**
     * What {@code GET /health/ready} on {@code port} says: {@code ready} (200), {@code not ready}
     * (503: starting, restoring, rebalancing), {@code HTTP <status>}, or {@code no answer}.
     */
    String health(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofMillis(TIMEOUT_MS)).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? "ready" : status == 503 ? "not ready" : "HTTP " + status;
        } catch (IOException e) {
            return "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no answer";
        }
    }

    /** Records in {@code orders}: the sum of its partitions' last stable offsets. */
    OptionalLong ordersProduced() {
        try {
            Map<TopicPartition, Long> ends = endOffsets(partitionsOf(List.of(Topics.ORDERS.name())));
            return OptionalLong.of(ends.values().stream().mapToLong(Long::longValue).sum());
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            return OptionalLong.empty();
        }
    }

    /** The lag of consumer group {@code groupId} on {@code topics}; empty before it commits anything. */
    OptionalLong lag(String groupId, List<String> topics) {
        try {
            List<TopicPartition> inputs = partitionsOf(topics);
            Map<TopicPartition, OffsetAndMetadata> committed = interruptible(() -> admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            return lag(inputs, endOffsets(inputs), committed);
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Records of {@code inputs} not yet consumed: end offset minus committed offset, summed over
     * the partitions (a partition without a committed offset counts from 0). Empty when none of
     * {@code inputs} has a committed offset yet (the group is still starting).
     */
    static OptionalLong lag(Collection<TopicPartition> inputs, Map<TopicPartition, Long> endOffsets,
            Map<TopicPartition, OffsetAndMetadata> committed) {
        boolean started = false;
        long lag = 0;
        for (TopicPartition partition : inputs) {
            OffsetAndMetadata offset = committed.get(partition);
            started |= offset != null;
            long position = offset == null ? 0 : offset.offset();
            lag += Math.max(0, endOffsets.getOrDefault(partition, 0L) - position);
        }
        return started ? OptionalLong.of(lag) : OptionalLong.empty();
    }

    /** The customer of the latest alert read (one with orders, to show in the hint), or null. */
    String alertedCustomer() {
        return alertedCustomer;
    }

    /** Records in {@code customer-alerts} so far, read with {@code read_committed}. */
    OptionalLong alertsRaised() {
        try {
            if (alerts.assignment().isEmpty()) {
                alerts.assign(partitionsOf(List.of(Topics.CUSTOMER_ALERTS.name())));
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
        } catch (KafkaException | ExecutionException | TimeoutException e) {
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

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions)
            throws ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        interruptible(() -> admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private List<TopicPartition> partitionsOf(List<String> topics) throws ExecutionException, TimeoutException {
        Set<String> unknown = new HashSet<>(topics);
        unknown.removeAll(partitions.keySet());
        if (!unknown.isEmpty()) {
            Map<String, TopicDescription> described = interruptible(() -> admin.describeTopics(unknown).allTopicNames()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            described.forEach((name, description) -> partitions.put(name, description.partitions().stream()
                    .map(p -> new TopicPartition(name, p.partition())).toList()));
        }
        return topics.stream().flatMap(topic -> partitions.get(topic).stream()).toList();
    }

    private interface Call<T> {
        T call() throws InterruptedException, ExecutionException, TimeoutException;
    }

    private static <T> T interruptible(Call<T> call) throws ExecutionException, TimeoutException {
        try {
            return call.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    @Override
    public void close() {
        alerts.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        admin.close(Duration.ofSeconds(2));
    }
}
