package io.orderpipeline.join;

import static io.orderpipeline.common.TestDriverSupport.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Customer;
import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.File;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproduces the Kafka Streams bug that {@link io.orderpipeline.runtime.StreamsApp#createFromChangelogs}
 * works around, on customer-join's own store ({@link CustomerJoinTopology#customersStore()}, the
 * topology's serdes, the service's configuration). It asserts today's <b>wrong</b> behaviour, so it
 * fails once Kafka Streams is fixed: then assert the same history after the reopen as before it, name
 * the test for what it guards, and start customer-join with {@code StreamsApp.create}.
 *
 * <p>For upstream:
 * <pre>
 * Versions: Kafka Streams 4.3.1 and 4.4.0 (Java 17, Linux).
 * Store: Stores.persistentVersionedKeyValueStore(name, Duration.ofDays(1)), default segment interval
 *   (1 hour for that retention), built with Stores.versionedKeyValueStoreBuilder(...).withLoggingDisabled().
 * Steps: init the store (test-utils MockProcessorContext, empty state dir);
 *   put(k, v1, T); put(k, v2, T+8h); put(k, v3, T+16h); get(k, T+4h) is v1, get(k, T+12h) is v2;
 *   commit(Map.of()) and close(); build a new store from the same supplier, init it on the same state dir;
 *   get(k, T+4h), get(k, T+12h).
 * Expected: v1 and v2, as before the close (both within the history retention of T+16h).
 * Actual: null and null. get(k) and get(k, T+20h) still return v3. The same with
 *   processing.guarantee at_least_once or exactly_once_v2, with enable.transactional.statestores=true
 *   (4.4.0), and with the three versions in one segment. In an application: after a clean restart that
 *   reuses local state, a versioned KTable's stream-table join sees no version older than the latest.
 * Probable cause (read from the bytecode, not confirmed): LogicalKeyValueSegments.openExisting opens the
 *   physical RocksDB but does not register the segments it holds in AbstractSegments' in-memory map,
 *   and RocksDBVersionedStore.get(key, asOf) looks only in the segments of that map.
 * </pre>
 */
class VersionedStoreReopenBugTest {

    private static final Customer ADA = new Customer(42, "Ada Lovelace", "enterprise", "GB");
    private static final Customer ADA_RENAMED = new Customer(42, "Ada King", "strategic", "FR");
    private static final Customer ADA_MOVED = new Customer(42, "Ada King", "strategic", "US");

    @TempDir
    File stateDir;

    @Test
    void reopenedFromDiskTheVersionedStoreNoLongerSeesVersionsOlderThanTheLatest() {
        // hours apart: with 1 day of history the store's segments are 1 hour long, so the two older
        // versions are kept in different history segments, as real customer updates would be
        VersionedKeyValueStore<String, Customer> store = open();
        store.put("42", ADA, at(0));
        store.put("42", ADA_RENAMED, at(8));
        store.put("42", ADA_MOVED, at(16));
        assertThat(value(store.get("42", at(4)))).isEqualTo(ADA);
        assertThat(value(store.get("42", at(12)))).isEqualTo(ADA_RENAMED);
        assertThat(value(store.get("42", at(20)))).isEqualTo(ADA_MOVED);
        closeCleanly(store);

        VersionedKeyValueStore<String, Customer> reopened = open();
        try {
            assertThat(reopened.get("42", at(4))).as("should be ADA: the bug").isNull();
            assertThat(reopened.get("42", at(12))).as("should be ADA_RENAMED: the bug").isNull();
            assertThat(value(reopened.get("42", at(20)))).isEqualTo(ADA_MOVED);
            assertThat(value(reopened.get("42"))).isEqualTo(ADA_MOVED);
        } finally {
            closeCleanly(reopened);
        }
    }

    /** The topology's store with its serdes, opened on {@link #stateDir} as task 0_0 of customer-join. */
    private VersionedKeyValueStore<String, Customer> open() {
        VersionedKeyValueStore<String, Customer> store = Stores.versionedKeyValueStoreBuilder(CustomerJoinTopology.customersStore(),
                        Topics.CUSTOMERS.keySerde(), Topics.CUSTOMERS.valueSerde())
                .withLoggingDisabled()
                .build();
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(
                ServiceConfig.of("customer-join", false, Map.of()).streamsProperties(), new TaskId(0, 0), stateDir);
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /** As Kafka Streams closes a store on a clean shutdown: commit, then close. */
    private static void closeCleanly(VersionedKeyValueStore<String, Customer> store) {
        store.commit(Map.of());
        store.close();
    }

    private static Customer value(VersionedRecord<Customer> record) {
        return record == null ? null : record.value();
    }

    private static long at(long hours) {
        return BASE.plus(Duration.ofHours(hours)).toEpochMilli();
    }
}
