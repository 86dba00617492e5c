package io.orderpipeline.http;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request about one key from the instance that holds it. Kafka Streams' key metadata
 * ({@code queryMetadataForKey}) names the active host and the standby hosts of the key's partition;
 * this instance is known by its {@code application.server}.
 * <ol>
 *   <li>This instance is active: it answers from its active copy.</li>
 *   <li>Another instance is active: the request goes there ({@link Forwarder}) and its answer comes back as it is.</li>
 *   <li>The active instance does not answer (gone, not yet rebalanced away): a standby answers, this
 *       instance or another, with {@value #SERVED_BY_STANDBY}{@code : true}.</li>
 *   <li>Nobody can answer: 503 with {@code Retry-After}.</li>
 * </ol>
 * A request forwarded by another instance is answered here (active copy first, then standby) and never
 * forwarded again. Every answer made here says who made it in {@value #SERVED_BY}.
 *
 * <p>The key's partition is checked against the store's true partition count ({@link StorePartitions}).
 * Kafka Streams 4.4.0 computes it from the partitions assigned at the moment: under the streams group
 * protocol, while a rebalance moves partitions, those revoked from one member and not yet given to the
 * next are missing, so with 3 partitions and only partition 0 assigned every key "is" in partition 0,
 * and the member holding partition 0 answered 404 for customers it never had (e2e StreamsProtocolIT,
 * for about one heartbeat interval). Such an answer is a 503 here: the rebalance is under way.
 */
public final class KeyRouter {

    public static final String SERVED_BY = "X-Served-By";
    public static final String SERVED_BY_STANDBY = "X-Served-By-Standby";

    private static final Logger log = LoggerFactory.getLogger(KeyRouter.class);

    /** The answer of this instance's copy of one partition. */
    @FunctionalInterface
    public interface LocalQuery {
        /** Queries {@code partition} of the local store: the active copy, or (active false) a standby copy. */
        Reply query(int partition, boolean active);
    }

    private final KafkaStreams streams;
    private final Forwarder forwarder;
    private final HostInfo self;
    private final StorePartitions partitions;

    public KeyRouter(KafkaStreams streams, Forwarder forwarder, StorePartitions partitions) {
        this.streams = streams;
        this.forwarder = forwarder;
        this.self = forwarder.self();
        this.partitions = partitions;
    }

    /**
     * The answer for {@code key} of {@code store}.
     *
     * @param pathAndQuery the same request for another instance (URL-encoded, explicit parameters)
     * @param forwarded whether this request came from another instance ({@value Forwarder#FORWARDED_BY})
     */
    public <K> Reply route(String store, K key, Serializer<K> keySerializer, String pathAndQuery,
                           boolean forwarded, LocalQuery local) {
        KeyQueryMetadata metadata = metadata(store, key, keySerializer);
        HostInfo active = metadata.activeHost();
        int partition = metadata.partition();
        if (forwarded) {
            return local(local, partition, self.equals(active));
        }
        if (self.equals(active)) {
            return local(local, partition, true);
        }
        List<String> tried = new ArrayList<>();
        if (active.port() >= 0) {
            try {
                return forwarder.get(active, pathAndQuery);
            } catch (Forwarder.InstanceUnreachableException e) {
                log.debug("{}; asking a standby of {} partition {}", e.getMessage(), store, partition);
                tried.add(e.getMessage());
            }
        }
        if (metadata.standbyHosts().contains(self)) {
            return local(local, partition, false);
        }
        for (HostInfo standby : metadata.standbyHosts()) {
            try {
                return forwarder.get(standby, pathAndQuery);
            } catch (Forwarder.InstanceUnreachableException e) {
                tried.add(e.getMessage());
            }
        }
        throw new StoreUnavailableException("no instance can answer for " + store + " partition " + partition
                + " right now" + (tried.isEmpty() ? "" : ": " + String.join("; ", tried)));
    }

    private <K> KeyQueryMetadata metadata(String store, K key, Serializer<K> keySerializer) {
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            throw new StoreUnavailableException("the streams app is " + state);
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, key, keySerializer);
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            throw new StoreUnavailableException("which instance holds the key is not known yet (" + state + ")");
        }
        int count = partitions.of(store);
        int partition = partitionOf(keySerializer.serialize(null, key), count);
        if (metadata.partition() != partition) {
            throw new StoreUnavailableException("the key is in partition " + partition + " of " + store + "'s " + count
                    + ", Kafka Streams' metadata says " + metadata.partition() + ": a rebalance is under way");
        }
        return metadata;
    }

    /** The partition the default partitioner (Kafka Streams' for these stores) gives a key: murmur2 of its bytes. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private Reply local(LocalQuery local, int partition, boolean active) {
        Reply reply = local.query(partition, active).withHeader(SERVED_BY, self.host() + ":" + self.port());
        return active ? reply : reply.withHeader(SERVED_BY_STANDBY, "true");
    }
}
