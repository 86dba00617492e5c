package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Topics;
import org.apache.kafka.common.IsolationLevel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * All five services from their jars, as separate processes, on one real broker, fed a known data
 * set that covers every rule of the contract; every output topic read with read_committed must be
 * exactly what the input implies.
 */
class PipelineIT {

    static final Expected.Rules RULES = Expected.Rules.of(Pipeline.ALERT_THRESHOLD, Pipeline.GRACE, Pipeline.PARTITIONS);
    static final List<String> OUTPUTS = List.of("high-value-orders", "enriched-orders", "customer-stats", "customer-alerts",
            "product-revenue-hourly", Expected.REVENUE_LATE, "customer-enriched-orders");

    @Test
    void everyOutputIsExactlyWhatTheInputImplies() {
        try (Pipeline pipeline = new Pipeline("PipelineIT", Map.of());
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            pipeline.startAll();
            // the customers first, as reference data is: the join must use them as of each order's time
            KnownDataSet.writeCustomers(input);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);
            // then the orders in two bursts: the second once the first, with partition 1 hours ahead, is consumed
            KnownDataSet.writeOrders(input, Pipeline.PARTITIONS, () -> pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT));
            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), RULES);
            System.out.println("Data set coverage: " + expected.coverage());
            System.out.println(expected.revenueSummary());
            assertCovers(expected);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(System.out::println);
            printDeadLetterVisibility(pipeline);
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertNoOpenTransactions(pipeline);
        }
    }

    private static void assertCovers(Expected expected) {
        assertThat(expected.coverage("bad orders")).isEqualTo(KnownDataSet.badOrders().size());
        assertThat(expected.coverage("bad customers")).isEqualTo(7);
        // product-revenue, per partition of orders: 107 late in partition 0 by 0 ms, 302 late in partition 1 (with a
        // header of its own); 105 and 112 within grace; partition 0's and 2's orders of 10:00-12:00 on time while
        // partition 1 is at 13:00; 110 on time although partition 2's bad orders are stamped 15:00
        assertThat(expected.coverage("late orders (to product-revenue-late)")).isEqualTo(2);
        assertThat(expected.coverage("late orders within grace")).isEqualTo(2);
        assertThat(expected.coverage("orders on time only because bad records do not move event time")).isEqualTo(4);
        assertThat(expected.coverage("orders on time in their partition while another is past their window's end + grace"))
                .isEqualTo(9);
        assertThat(expected.coverage("partitions of orders without a valid order (no window closes)")).isZero();
        assertThat(expected.finalWindows()).as("final windows").isEqualTo(8);
        assertThat(expected.openWindows()).as("windows still open").isEqualTo(4);
        for (String rule : List.of("valid orders without key", "valid orders without status", "high-value orders",
                "orders needing review", "alerts", "customers exactly at the threshold", "customer deletions",
                "joins with a customer never seen", "joins before the customer's first version", "joins after a deletion",
                "joins with an updated customer", "joins with a customer's first version")) {
            assertThat(expected.coverage(rule)).as(rule).isPositive();
        }
    }

    /**
     * Under exactly_once_v2, are the dead letters written in the transaction and committed? Compares
     * what read_committed and read_uncommitted consumers see with the log end (which counts the
     * transaction markers too).
     */
    static void printDeadLetterVisibility(Pipeline pipeline) {
        for (String service : Topics.SERVICES) {
            String topic = pipeline.deadLetterTopic(service);
            long committed = pipeline.reader().readAll(topic).size();
            long uncommitted = pipeline.reader().readAll(topic, IsolationLevel.READ_UNCOMMITTED).size();
            long logEnd = pipeline.reader().logEndOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
            System.out.println(topic + ": " + committed + " records visible to read_committed, " + uncommitted
                    + " to read_uncommitted; log end offsets sum " + logEnd + "; open transactions "
                    + pipeline.reader().openTransactions(topic));
        }
    }

    static void assertNoOpenTransactions(Pipeline pipeline) {
        for (String topic : OUTPUTS) {
            assertThat(pipeline.reader().openTransactions(topic)).as("open transactions on " + topic).isEmpty();
        }
        for (String service : Topics.SERVICES) {
            String topic = pipeline.deadLetterTopic(service);
            assertThat(pipeline.reader().openTransactions(topic)).as("open transactions on " + topic).isEmpty();
        }
    }
}
