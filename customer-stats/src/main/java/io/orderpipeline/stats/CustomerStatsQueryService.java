package io.orderpipeline.stats;

import static io.orderpipeline.stats.CustomerStatsTopology.STORE;

import io.orderpipeline.common.CustomerStats;
import io.orderpipeline.http.Forwarder;
import io.orderpipeline.http.KeyRouter;
import io.orderpipeline.http.Reply;
import io.orderpipeline.http.StoreQueries;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.query.KeyQuery;

/**
 * Queries of {@code customer-stats-store} (IQv2 {@code KeyQuery}) from the instance that holds the
 * customer ({@link KeyRouter}): the customer's running count and total, or 404.
 */
final class CustomerStatsQueryService implements CustomerStatsRoutes.Queries {

    private static final Serializer<String> KEY = Serdes.String().serializer();

    private final StoreQueries store;
    private final KeyRouter router;

    CustomerStatsQueryService(StoreQueries store, Forwarder forwarder) {
        this.store = store;
        this.router = new KeyRouter(store.streams(), forwarder);
    }

    @Override
    public Reply stats(long customerId, boolean forwarded) {
        String key = String.valueOf(customerId); // the store's key: the id as a decimal string
        return router.route(STORE, key, KEY, "/customers/" + key + "/stats", forwarded, (partition, active) -> {
            KeyQuery<String, Object> query = KeyQuery.withKey(key);
            CustomerStats stats = StoreQueries.plain(active ? store.active(query, partition) : store.standby(query, partition));
            return stats == null ? Reply.error(404, "customer " + key + " has no orders") : Reply.ok(stats);
        });
    }

    /** For {@code /health/ready}: every active partition of the store answers a query. */
    void checkReady() {
        store.allActive(KeyQuery.<String, Object>withKey(""));
    }
}
