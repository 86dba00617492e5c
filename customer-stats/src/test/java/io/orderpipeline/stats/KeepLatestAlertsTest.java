package io.orderpipeline.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.CustomerAlert;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The latest-alerts store across a restart of its task, which the test driver cannot stage (it
 * empties its state when it closes): a started task counts what its store holds, and keeps at most
 * {@value CustomerStatsTopology#ALERTS_KEPT} from its first alert on.
 */
class KeepLatestAlertsTest {

    private static final BigDecimal THRESHOLD = new BigDecimal("10000");

    private final KeyValueStore<String, CustomerStatsTopology.LatestAlert> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(CustomerStatsTopology.ALERTS_STORE), Serdes.String(), CustomerStatsTopology.LATEST_ALERT)
            .withLoggingDisabled().build();
    private long time = 1_000;

    @AfterEach
    void tearDown() {
        store.close();
    }

    /** A task started (again) on the store as it is: a context with the store, which takes forwards and nothing else. */
    @SuppressWarnings("unchecked")
    private CustomerStatsTopology.KeepLatestAlerts start() {
        if (!store.isOpen()) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "keep-latest-alerts-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            store.init(new MockProcessorContext<>(props, new TaskId(1, 0), null).getStateStoreContext(), store);
        }
        FixedKeyProcessorContext<String, CustomerAlert> context = (FixedKeyProcessorContext<String, CustomerAlert>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FixedKeyProcessorContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getStateStore" -> store;
                    case "forward" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        CustomerStatsTopology.KeepLatestAlerts processor = new CustomerStatsTopology.KeepLatestAlerts();
        processor.init(context);
        return processor;
    }

    private void alert(CustomerStatsTopology.KeepLatestAlerts processor, int alerts) {
        for (int i = 0; i < alerts; i++) {
            time++;
            CustomerAlert alert = new CustomerAlert(time, 1, new BigDecimal("10000.01"), THRESHOLD);
            processor.process(InternalFixedKeyRecordFactory.create(new Record<>(String.valueOf(time), alert, time)));
        }
    }

    private List<Long> kept() {
        List<Long> customers = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(entry -> customers.add(entry.value.customerId()));
        }
        return customers;
    }

    @Test
    void aRestartedTaskCountsTheAlertsItsStoreHoldsAndStillKeepsOnlyTheLatest() {
        alert(start(), CustomerStatsTopology.ALERTS_KEPT);
        assertThat(kept()).hasSize(CustomerStatsTopology.ALERTS_KEPT);

        alert(start(), 3);
        List<Long> kept = kept();
        assertThat(kept).hasSize(CustomerStatsTopology.ALERTS_KEPT);
        assertThat(kept.get(0)).as("the three oldest dropped").isEqualTo(1_004L);
        assertThat(kept.get(kept.size() - 1)).isEqualTo(time);

        alert(start(), 1);
        assertThat(kept()).hasSize(CustomerStatsTopology.ALERTS_KEPT).startsWith(1_005L);
    }

    @Test
    void queriesMergeAlertsOfTheSameMillisecondInTheOrderTheStoreCutsThem() {
        CustomerStatsTopology.KeepLatestAlerts processor = start();
        for (long customer : new long[] {14, 9, 24, 100}) { // as numbers 9 < 14 < 24 < 100, as keys "100" < "14" < "24" < "9"
            CustomerAlert alert = new CustomerAlert(customer, 1, new BigDecimal("10000.01"), THRESHOLD);
            processor.process(InternalFixedKeyRecordFactory.create(new Record<>(String.valueOf(customer), alert, time)));
        }
        List<CustomerStatsTopology.LatestAlert> backwards = new ArrayList<>();
        try (var all = store.reverseAll()) {
            all.forEachRemaining(entry -> backwards.add(entry.value));
        }
        List<CustomerStatsTopology.LatestAlert> sorted = new ArrayList<>(backwards);
        java.util.Collections.shuffle(sorted, new java.util.Random(1));
        sorted.sort(CustomerStatsQueryService.NEWEST_FIRST);
        assertThat(sorted).as("a partition's first keys are the first alerts after the merge").isEqualTo(backwards);
    }
}
