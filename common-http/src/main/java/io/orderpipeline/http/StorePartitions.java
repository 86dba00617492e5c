package io.orderpipeline.http;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How many partitions a store has: those of its changelog topic
 * ({@code <application.id>-<store>-changelog}), read from the brokers the first time a store is
 * asked about, then kept (a topic's partitions never shrink, and adding some to a service's input is
 * an offline migration). {@link KeyRouter} needs the true count: Kafka Streams' own key metadata
 * counts only the partitions assigned at the moment (see there).
 */
public final class StorePartitions {

    private static final long TIMEOUT_MS = 10_000;

    private final Properties streamsProperties;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /** For the streams app started with {@code streamsProperties} (its application id and its client settings). */
    public StorePartitions(Properties streamsProperties) {
        this.streamsProperties = streamsProperties;
    }

    /** Partition counts known already, never read from brokers: for tests of what depends on them. */
    static StorePartitions known(Map<String, Integer> counts) {
        StorePartitions partitions = new StorePartitions(new Properties());
        partitions.counts.putAll(counts);
        return partitions;
    }

    /** The partitions of {@code store}; a {@link StoreUnavailableException} (503) while the brokers cannot tell. */
    public int of(String store) {
        return counts.computeIfAbsent(store, this::read);
    }

    private int read(String store) {
        String changelog = streamsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + store + "-changelog";
        Map<String, Object> adminConfig = new StreamsConfig(streamsProperties).getAdminConfigs("store-partitions");
        try (Admin admin = Admin.create(adminConfig)) {
            return admin.describeTopics(List.of(changelog)).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .get(changelog).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreUnavailableException("cannot read the partitions of " + changelog + ": " + (e.getCause() == null ? e : e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading the partitions of " + changelog);
        }
    }
}
