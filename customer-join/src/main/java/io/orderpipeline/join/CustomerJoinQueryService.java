package io.orderpipeline.join;

import static io.orderpipeline.join.CustomerJoinTopology.STORE;
import static io.orderpipeline.join.CustomerJoinTopology.HISTORY_RETENTION;
import static io.orderpipeline.join.CustomerJoinTopology.STREAM_TIME_KEY;
import static io.orderpipeline.join.CustomerJoinTopology.STREAM_TIME_STORE;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.orderpipeline.common.Customer;
import io.orderpipeline.common.Topics;
import io.orderpipeline.http.KeyRouter;
import io.orderpipeline.http.QueryRouting;
import io.orderpipeline.http.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;

/**
 * Queries of the versioned {@code customers-store} (IQv2 {@code VersionedKeyQuery},
 * {@code MultiVersionedKeyQuery}) from the instance that holds the customer ({@link KeyRouter}).
 *
 * <p>The store answers nothing both for a customer that did not exist at an instant and for an
 * instant older than its history: it keeps versions {@link CustomerJoinTopology#HISTORY_RETENTION}
 * behind its observed stream time (the newest customer timestamp of its partition) and answers "none"
 * before that, whatever it still holds (the latest version excepted, which never expires). So when it
 * answers nothing, the instant is compared with that partition's stream time, read from
 * {@code customers-stream-time-store} (same task, same partition): older than stream time - retention
 * is a 400, else a 404.
 */
final class CustomerJoinQueryService implements CustomerJoinRoutes.Queries {

    private static final Serializer<String> KEY = Topics.CUSTOMERS.keySerde().serializer();

    /** One version of a customer and when it was valid: [valid_from, valid_to), valid_to null while current. */
    record CustomerVersion(long customerId, String name, String segment, String country, Instant validFrom,
                           @JsonInclude(JsonInclude.Include.ALWAYS) Instant validTo) {

        static CustomerVersion of(long customerId, VersionedRecord<Customer> record) {
            Customer c = record.value();
            Long validTo = record.validTo().filter(t -> t != Long.MAX_VALUE).orElse(null);
            return new CustomerVersion(customerId, c.name(), c.segment(), c.country(), Instant.ofEpochMilli(record.timestamp()),
                    validTo == null ? null : Instant.ofEpochMilli(validTo));
        }
    }

    /** The answer of {@code GET /customers/{id}/history}: versions oldest first. */
    record CustomerHistory(long customerId, List<CustomerVersion> versions) {
    }

    private final QueryRouting routing;

    CustomerJoinQueryService(QueryRouting routing) {
        this.routing = routing;
    }

    @Override
    public Reply current(long customerId, boolean forwarded) {
        String key = String.valueOf(customerId);
        return routing.route(STORE, key, KEY, "/customers/" + key, forwarded, (partition, active) -> {
            VersionedRecord<Customer> version = routing.store(STORE).query(VersionedKeyQuery.<String, Customer>withKey(key), partition, active);
            return version == null ? Reply.error(404, "customer " + key + " not found")
                    : Reply.ok(CustomerVersion.of(customerId, version));
        });
    }

    @Override
    public Reply asOf(long customerId, Instant at, boolean forwarded) {
        String key = String.valueOf(customerId);
        String path = "/customers/" + key + "?at=" + at.toEpochMilli();
        return routing.route(STORE, key, KEY, path, forwarded, (partition, active) -> {
            VersionedRecord<Customer> version = routing.store(STORE).query(VersionedKeyQuery.<String, Customer>withKey(key).asOf(at), partition, active);
            if (version != null) {
                return Reply.ok(CustomerVersion.of(customerId, version));
            }
            Reply tooOld = olderThanHistory("at", at, partition, active);
            return tooOld != null ? tooOld : Reply.error(404, "customer " + key + " not found at " + at);
        });
    }

    @Override
    public Reply history(long customerId, Instant from, Instant to, boolean forwarded) {
        String key = String.valueOf(customerId);
        String path = "/customers/" + key + "/history" + (from == null && to == null ? "" : "?")
                + (from == null ? "" : "from=" + from.toEpochMilli()) + (from != null && to != null ? "&" : "")
                + (to == null ? "" : "to=" + to.toEpochMilli());
        return routing.route(STORE, key, KEY, path, forwarded, (partition, active) -> {
            MultiVersionedKeyQuery<String, Customer> query = MultiVersionedKeyQuery.<String, Customer>withKey(key).withAscendingTimestamps();
            if (from != null) {
                query = query.fromTime(from);
            }
            if (to != null) {
                query = query.toTime(to);
            }
            List<CustomerVersion> versions = new ArrayList<>();
            try (VersionedRecordIterator<Customer> records = routing.store(STORE).query(query, partition, active)) {
                records.forEachRemaining(r -> versions.add(CustomerVersion.of(customerId, r)));
            }
            if (!versions.isEmpty()) {
                return Reply.ok(new CustomerHistory(customerId, versions));
            }
            Reply tooOld = to == null ? null : olderThanHistory("to", to, partition, active);
            return tooOld != null ? tooOld : Reply.error(404, "customer " + key + " not found"
                    + (from == null && to == null ? "" : " between " + (from == null ? "the start" : from) + " and " + (to == null ? "now" : to)));
        });
    }

    /**
     * A 400 if {@code instant} is older than the history the store keeps in {@code partition}
     * (its observed stream time minus the retention), else null. As the store: before any record,
     * its stream time is -1 ({@code ConsumerRecord.NO_TIMESTAMP}).
     */
    private Reply olderThanHistory(String name, Instant instant, int partition, boolean active) {
        Long seen = routing.store(STREAM_TIME_STORE).query(KeyQuery.<String, Long>withKey(STREAM_TIME_KEY), partition, active);
        long observed = seen == null ? ConsumerRecord.NO_TIMESTAMP : seen;
        long oldest = observed - HISTORY_RETENTION.toMillis();
        if (instant.toEpochMilli() >= oldest) {
            return null;
        }
        return Reply.error(400, name + " (" + instant + ") is older than the history kept: the customers of this customer's partition"
                + " are answered back to " + Instant.ofEpochMilli(oldest) + " (" + HISTORY_RETENTION.toHours() + " h before its newest"
                + " customer record, " + Instant.ofEpochMilli(observed) + ")");
    }

    /** For {@code /health/ready}: every active partition of both stores answers a query. */
    void checkReady() {
        routing.store(STORE).allActive(VersionedKeyQuery.<String, Customer>withKey("0"));
        routing.store(STREAM_TIME_STORE).allActive(KeyQuery.<String, Long>withKey(STREAM_TIME_KEY));
    }
}
