package io.orderpipeline.http;

import io.orderpipeline.runtime.ServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What a query service (customer-stats, product-revenue, customer-join) answers with: its stores'
 * queries on this instance ({@link StoreQueries}, at the service's isolation level), a request about
 * one key from the instance that holds it ({@link KeyRouter}), and a request about a whole store
 * gathered from every instance ({@link #fromEveryInstance}).
 *
 * @param streams   the service's streams app
 * @param isolation what every query reads: the service's {@code QUERY_ISOLATION}
 * @param forwarder how this instance asks the others
 * @param router    the routing of one key
 * @param stores    each store's queries, made once
 */
public record QueryRouting(KafkaStreams streams, IsolationLevel isolation, Forwarder forwarder, KeyRouter router,
                           Map<String, StoreQueries> stores) {

    /** One instance's part of a store: what it read from the partitions it holds as active. */
    public interface Part {
        /** The partitions it read (across the instances, each must be read once). */
        Set<Integer> partitions();
    }

    public QueryRouting(KafkaStreams streams, IsolationLevel isolation, Forwarder forwarder, StorePartitions partitions) {
        this(streams, isolation, forwarder, new KeyRouter(streams, forwarder, partitions), new ConcurrentHashMap<>());
    }

    /** The routing of a service started with {@code config}: {@code APPLICATION_SERVER}, {@code QUERY_ISOLATION}, its HTTP settings. */
    public static QueryRouting of(ServiceConfig config, KafkaStreams streams) {
        return new QueryRouting(streams, config.queryIsolation(), Forwarder.of(config), new StorePartitions(config.streamsProperties()));
    }

    /** The queries of {@code store} on this instance. */
    public StoreQueries store(String store) {
        return stores.computeIfAbsent(store, name -> new StoreQueries(streams, name, isolation));
    }

    /** {@link KeyRouter#route}: the answer for {@code key} of {@code store}, from the instance that holds it. */
    public <K> Reply route(String store, K key, Serializer<K> keySerializer, String pathAndQuery, boolean forwarded,
                           KeyRouter.LocalQuery local) {
        return router.route(store, key, keySerializer, pathAndQuery, forwarded, local);
    }

    /**
     * Every instance's part of {@code store}: this instance's from {@code local}, each other's from
     * its {@code internalPathAndQuery} (answered by its {@code local}, as JSON of {@code type}). A 503
     * ({@link StoreUnavailableException}) unless every partition was read exactly once: an instance
     * that does not answer, or a rebalance under way.
     */
    public <P extends Part> List<P> fromEveryInstance(String store, Supplier<P> local, String internalPathAndQuery, Class<P> type) {
        List<P> parts = new ArrayList<>();
        Set<Integer> answered = new TreeSet<>();
        Set<Integer> expected = new TreeSet<>();
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            instance.topicPartitions().forEach(tp -> expected.add(tp.partition()));
            P part = instance.hostInfo().equals(forwarder.self()) ? local.get() : remote(instance.hostInfo(), internalPathAndQuery, type);
            parts.add(part);
            for (int partition : part.partitions()) {
                if (!answered.add(partition)) {
                    throw new StoreUnavailableException("partition " + partition + " answered twice (a rebalance is under way)");
                }
            }
        }
        if (expected.isEmpty() || !answered.containsAll(expected)) {
            throw new StoreUnavailableException("partitions " + expected + " of " + store + " expected, "
                    + answered + " answered (a rebalance is under way)");
        }
        return parts;
    }

    private <P> P remote(HostInfo host, String pathAndQuery, Class<P> type) {
        Reply reply = forwarder.get(host, pathAndQuery);
        if (!reply.isOk()) {
            throw new StoreUnavailableException(host.host() + ":" + host.port() + " answered " + reply.status() + " " + reply.json());
        }
        return reply.body(type);
    }
}
