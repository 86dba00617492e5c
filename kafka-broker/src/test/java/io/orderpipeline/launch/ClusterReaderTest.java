package io.orderpipeline.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ClusterReaderTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition CUSTOMERS_0 = new TopicPartition("customers", 0);
    private static final List<TopicPartition> INPUTS = List.of(ORDERS_0, ORDERS_1, CUSTOMERS_0);
    private static final Map<TopicPartition, Long> ENDS = Map.of(ORDERS_0, 100L, ORDERS_1, 50L, CUSTOMERS_0, 7L);

    @Test
    void noCommittedOffsetOnTheInputsMeansStillStarting() {
        // offsets of other topics (an internal repartition topic) do not count as started
        Map<TopicPartition, Long> committed =
                Map.of(new TopicPartition("customer-stats-orders-by-customer-repartition", 0), 5L);
        assertThat(ClusterReader.lag(INPUTS, ENDS, committed)).isEmpty();
        assertThat(ClusterReader.lag(INPUTS, ENDS, Map.of())).isEmpty();
    }

    @Test
    void lagIsEndMinusCommittedSummedAndAnUncommittedPartitionCountsFromZero() {
        Map<TopicPartition, Long> committed =
                Map.of(ORDERS_0, 90L, CUSTOMERS_0, 7L);
        assertThat(ClusterReader.lag(INPUTS, ENDS, committed)).hasValue(10 + 50);
    }

    @Test
    void caughtUpIsZeroAndNeverNegative() {
        // a committed offset past the last stable offset (a transaction still open) is not negative lag
        Map<TopicPartition, Long> committed = Map.of(ORDERS_0, 101L,
                ORDERS_1, 50L, CUSTOMERS_0, 7L);
        assertThat(ClusterReader.lag(INPUTS, ENDS, committed)).hasValue(0);
    }
}
