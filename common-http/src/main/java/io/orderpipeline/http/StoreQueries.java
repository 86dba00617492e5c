package io.orderpipeline.http;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive Queries v2 against one store of this instance. Reads of the active copy use
 * {@code requireActive()} (Kafka Streams then refuses a standby copy, or an active one whose thread
 * is not RUNNING, e.g. still restoring); reads of a standby copy leave it out. A partition that
 * cannot answer is a {@link StoreUnavailableException} (503), and so is an exception inside the
 * store (logged; a store closed by a rebalance under the query is one); a query the store does not
 * know, or a partition that does not exist, is an {@link IllegalStateException} (500).
 * Every query reads at one isolation level, the service's {@code QUERY_ISOLATION}
 * ({@code ServiceConfig#queryIsolation()}): {@code READ_COMMITTED} by default, so with
 * transactional state stores (KIP-892) an answer shows only state whose transaction has
 * committed, never writes that a crash could still abort; {@code READ_UNCOMMITTED} also shows the
 * open transaction's writes. A committed read of one key goes as a range of that one key: in
 * Kafka Streams 4.4.0 the record cache answers a {@code KeyQuery} itself whatever the isolation
 * level (its dirty entries are the open transaction's writes), and {@code KeyQuery.skipCache()} is
 * lost on the way down by the metered store; a {@code RangeQuery} passes the cache and is read from
 * the store at the isolation level asked (shown by e2e CommittedReadIT).
 * With DEBUG logging on, each query asks for and logs Kafka Streams' execution info.
 *
 * @param isolation what every query reads: pass the service's {@code config.queryIsolation()}
 */
public record StoreQueries(KafkaStreams streams, String store, IsolationLevel isolation) {

    private static final Logger log = LoggerFactory.getLogger(StoreQueries.class);

    /** {@code query} on {@code partition}, from this instance's active copy, up to date. */
    public <R> R active(Query<R> query, int partition) {
        return one(query, partition, true);
    }

    /** {@code query} on {@code partition}, from this instance's standby copy (which may lag a little). */
    public <R> R standby(Query<R> query, int partition) {
        return one(query, partition, false);
    }

    /** {@code query} on {@code partition}: {@link #active} or {@link #standby}, as {@link KeyRouter.LocalQuery} is asked. */
    public <R> R query(Query<R> query, int partition, boolean active) {
        return one(query, partition, active);
    }

    @SuppressWarnings("unchecked")
    private <R> R one(Query<R> query, int partition, boolean requireActive) {
        if (throughRange(query)) {
            return (R) firstValue(one(asRange((KeyQuery<Object, ?>) query), partition, requireActive));
        }
        StateQueryRequest<R> request = StateQueryRequest.inStore(store).withQuery(query).withPartitions(Set.of(partition))
                .withIsolationLevel(isolation);
        StateQueryResult<R> result = run(requireActive ? request.requireActive() : request);
        return valueOf(result.getPartitionResults().get(partition), partition);
    }

    /**
     * {@code query} on every partition this instance holds as active, by partition. Needs the app
     * RUNNING (all threads RUNNING: then a NOT_ACTIVE partition can only be a standby copy, left out).
     */
    @SuppressWarnings("unchecked")
    public <R> Map<Integer, R> allActive(Query<R> query) {
        if (throughRange(query)) {
            Map<Integer, R> values = new TreeMap<>();
            allActive(asRange((KeyQuery<Object, ?>) query)).forEach((partition, range) -> values.put(partition, (R) firstValue(range)));
            return values;
        }
        requireRunning();
        StateQueryResult<R> result = run(StateQueryRequest.inStore(store).withQuery(query).withIsolationLevel(isolation).requireActive());
        requireRunning(); // no rebalance began while the query ran
        Map<Integer, R> values = new TreeMap<>();
        result.getPartitionResults().forEach((partition, partitionResult) -> {
            if (partitionResult.isSuccess() || partitionResult.getFailureReason() != FailureReason.NOT_ACTIVE) {
                values.put(partition, valueOf(partitionResult, partition));
            }
        });
        return values;
    }

    /** A key query read committed: it must not be answered from the record cache (see the class comment). */
    private boolean throughRange(Query<?> query) {
        return isolation == IsolationLevel.READ_COMMITTED && query instanceof KeyQuery<?, ?>;
    }

    private static RangeQuery<Object, Object> asRange(KeyQuery<Object, ?> query) {
        return RangeQuery.withRange(query.getKey(), query.getKey());
    }

    /** The value of the one key a one-key range holds, or null; closes the iterator. */
    private static Object firstValue(KeyValueIterator<Object, Object> range) {
        try (range) {
            return range.hasNext() ? range.next().value : null;
        }
    }

    private void requireRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailableException("the streams app is " + state + ", not RUNNING");
        }
    }

    private <R> StateQueryResult<R> run(StateQueryRequest<R> request) {
        if (!log.isDebugEnabled()) {
            return streams.query(request);
        }
        StateQueryResult<R> result = streams.query(request.enableExecutionInfo());
        result.getPartitionResults().forEach((partition, r) ->
                log.debug("{} partition {}: {}", store, partition, r.getExecutionInfo()));
        return result;
    }

    private <R> R valueOf(QueryResult<R> result, int partition) {
        if (result == null) {
            throw new StoreUnavailableException(store + " partition " + partition + " is not on this instance");
        }
        if (result.isSuccess()) {
            return result.getResult();
        }
        String why = store + " partition " + partition + ": " + result.getFailureReason() + " " + result.getFailureMessage();
        switch (result.getFailureReason()) {
            case NOT_ACTIVE, NOT_UP_TO_BOUND, NOT_PRESENT -> throw new StoreUnavailableException(why);
            case STORE_EXCEPTION -> {
                // e.g. "store is currently closed" when a rebalance closes it under the query
                log.warn("{}", why);
                throw new StoreUnavailableException(why);
            }
            default -> throw new IllegalStateException(why); // UNKNOWN_QUERY_TYPE, DOES_NOT_EXIST: a bug here
        }
    }
}
