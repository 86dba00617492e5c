package io.orderpipeline.stats;

import static io.orderpipeline.stats.CustomerStatsTopology.ALERTS_STORE;
import static io.orderpipeline.stats.CustomerStatsTopology.STORE;

import io.orderpipeline.common.CustomerStats;
import io.orderpipeline.http.KeyRouter;
import io.orderpipeline.http.QueryRouting;
import io.orderpipeline.http.Reply;
import io.orderpipeline.stats.CustomerStatsTopology.LatestAlert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Queries of {@code customer-stats-store} (IQv2 {@code KeyQuery}) from the instance that holds the
 * customer ({@link KeyRouter}): the customer's running count and total, or 404; and the latest
 * alerts of {@code customer-alerts-store} (IQv2 {@code RangeQuery}, newest first) gathered from
 * every instance, as {@code GET /revenue} does in product-revenue.
 */
final class CustomerStatsQueryService implements CustomerStatsRoutes.Queries {

    private static final Serializer<String> KEY = Serdes.String().serializer();

    /** The answer of {@code GET /alerts}: the latest alerts of every partition, newest first. */
    record Alerts(List<LatestAlert> alerts) {
    }

    /** The answer of {@code GET /internal/alerts}: the same from this instance's active partitions only. */
    record LocalAlerts(Set<Integer> partitions, List<LatestAlert> alerts) implements QueryRouting.Part {
    }

    /**
     * The store's key order, reversed: each partition's answer is its first {@code limit} keys, so alerts of the same
     * millisecond must be merged in the order the partitions cut them, or a limit changes which of them are shown.
     */
    static final Comparator<LatestAlert> NEWEST_FIRST = Comparator.comparing(
            (LatestAlert alert) -> CustomerStatsTopology.alertKey(alert.alertedAt().toEpochMilli(), alert.customerId())).reversed();

    private final QueryRouting routing;

    CustomerStatsQueryService(QueryRouting routing) {
        this.routing = routing;
    }

    @Override
    public Reply stats(long customerId, boolean forwarded) {
        String key = String.valueOf(customerId); // the store's key: the id as a decimal string
        return routing.route(STORE, key, KEY, "/customers/" + key + "/stats", forwarded, (partition, active) -> {
            CustomerStats stats = routing.store(STORE).query(KeyQuery.<String, CustomerStats>withKey(key), partition, active);
            return stats == null ? Reply.error(404, "customer " + key + " has no orders") : Reply.ok(stats);
        });
    }

    /** The latest {@code limit} alerts of every instance, newest first; 503 unless every partition answered. */
    @Override
    public Reply alerts(int limit) {
        List<LatestAlert> alerts = new ArrayList<>();
        routing.fromEveryInstance(ALERTS_STORE, () -> local(limit), "/internal/alerts?limit=" + limit, LocalAlerts.class)
                .forEach(part -> alerts.addAll(part.alerts()));
        alerts.sort(NEWEST_FIRST);
        return Reply.ok(new Alerts(alerts.subList(0, Math.min(limit, alerts.size()))));
    }

    @Override
    public Reply localAlerts(int limit) {
        return Reply.ok(local(limit));
    }

    /** The latest {@code limit} alerts of each partition this instance holds as active (keys sort by time: read backwards). */
    private LocalAlerts local(int limit) {
        RangeQuery<String, LatestAlert> query = RangeQuery.<String, LatestAlert>withNoBounds().withDescendingKeys();
        List<LatestAlert> alerts = new ArrayList<>();
        Map<Integer, KeyValueIterator<String, LatestAlert>> byPartition = routing.store(ALERTS_STORE).allActive(query);
        for (KeyValueIterator<String, LatestAlert> iterator : byPartition.values()) {
            try (iterator) {
                for (int i = 0; i < limit && iterator.hasNext(); i++) {
                    alerts.add(iterator.next().value);
                }
            }
        }
        alerts.sort(NEWEST_FIRST);
        return new LocalAlerts(byPartition.keySet(), alerts.subList(0, Math.min(limit, alerts.size())));
    }

    /** For {@code /health/ready}: every active partition of both stores answers a query. */
    void checkReady() {
        routing.store(STORE).allActive(KeyQuery.<String, CustomerStats>withKey(""));
        routing.store(ALERTS_STORE).allActive(KeyQuery.<String, LatestAlert>withKey(""));
    }
}
