package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Services;
import io.orderpipeline.launch.ServiceProcess;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * product-revenue catching up on a backlog, the case where a single event time per task dropped
 * on-time orders as late (README, benchmarks): 200,000 valid orders over 24 hours of event time
 * are in {@code orders} before it starts, 3 partitions of uneven rates (50/30/20%), event time
 * ascending within each, written in producer batches of up to 256 KB (about a thousand orders,
 * 15-50 minutes of event time, per batch; a fetch returns one partition's batch). Then product-revenue alone
 * starts, as one instance, or as two started at once that share the work, and reads it all. Each
 * order is on time in its partition, so nothing may be late, and each window the low watermark
 * has passed must be exact, once: revenue to the cent, order count; the orders of the windows
 * still open make up the rest.
 */
class BacklogIT {

    private static final String SERVICE = Services.PRODUCT_REVENUE.name();
    private static final int ORDERS = 200_000;
    private static final long SEED = 20261202L;
    private static final long START = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
    private static final long SPAN = Duration.ofHours(24).toMillis();
    private static final List<String> PRODUCTS = List.of("keyboard", "mouse", "monitor", "laptop", "cable", "pen", "webcam",
            "headset", "dock", "desk", "chair", "lamp");
    private static final Map<String, String> LARGE_BATCHES = Map.of(
            ProducerConfig.BATCH_SIZE_CONFIG, "262144",
            ProducerConfig.LINGER_MS_CONFIG, "50");

    @Test
    void oneInstanceCatchesUpExactly() {
        catchUp("BacklogIT-one", 1);
    }

    @Test
    void twoInstancesStartedTogetherCatchUpExactly() {
        catchUp("BacklogIT-two", 2);
    }

    private static void catchUp(String test, int instances) {
        long began = System.nanoTime();
        try (Pipeline pipeline = new Pipeline(test, Map.of());
                InputWriter input = new InputWriter(pipeline.bootstrapServers(), LARGE_BATCHES)) {
            writeBacklog(input);
            List<InputRecord> orders = input.written(Expected.ORDERS);
            Expected expected = Expected.from(orders, List.of(), PipelineIT.RULES);
            double batchBytes = input.producerMetric("batch-size-avg");
            double ordersPerBatch = batchBytes / input.producerMetric("record-size-avg");
            System.out.println(test + ": backlog of " + orders.size() + " orders written in " + seconds(began) + " s, per partition "
                    + perPartition(orders) + "; producer batches of " + Math.round(batchBytes) + " bytes on average, about "
                    + Math.round(ordersPerBatch) + " orders, " + Math.round(ordersPerBatch * SPAN / (ORDERS * 0.5) / 1000.0 / 60)
                    + "-" + Math.round(ordersPerBatch * SPAN / (ORDERS * 0.2) / 1000.0 / 60) + " minutes of event time in partitions 0-2");
            assertThat(batchBytes).as("average producer batch, bytes").isGreaterThan(128 * 1024);
            System.out.println(expected.revenueSummary());
            assertThat(expected.validOrders()).isEqualTo(ORDERS);
            assertThat(expected.lateOrders()).as("orders late in their partition (event time ascends in each)").isZero();

            List<ServiceProcess> processes = new ArrayList<>();
            processes.add(pipeline.service(SERVICE));
            for (int i = 2; i <= instances; i++) {
                processes.add(pipeline.extraInstance(SERVICE, SERVICE + "-" + i));
            }
            long started = System.nanoTime();
            processes.forEach(ServiceProcess::start);
            processes.forEach(p -> p.awaitRunning(Pipeline.START_TIMEOUT));
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT, List.of(SERVICE));
            double catchUp = seconds(started);
            assertThat(processes).as("every instance still running").allSatisfy(p -> assertThat(p.isAlive()).as(p.toString()).isTrue());
            Map<String, List<String>> assignment = assignment(pipeline);
            assertThat(assignment).as("members of the group and their partitions").hasSize(instances)
                    .allSatisfy((member, partitions) -> assertThat(partitions).as(member).isNotEmpty());

            List<ConsumerRecord<byte[], byte[]>> hourly = pipeline.reader().readAll("product-revenue-hourly");
            List<ConsumerRecord<byte[], byte[]>> late = pipeline.reader().readAll(Expected.REVENUE_LATE);
            List<Expected.Result> results = List.of(
                    expected.checkProductRevenueHourly(hourly),
                    expected.checkProductRevenueLate(late),
                    expected.checkProductRevenueReconciliation(hourly, late),
                    expected.checkDeadLetters(SERVICE, pipeline.reader().readAll(pipeline.deadLetterTopic(SERVICE))));
            System.out.println(test + ": " + instances + " instance(s) caught up in " + catchUp + " s from start ("
                    + Math.round(ORDERS / catchUp) + " orders/s); partitions per member: " + assignment);
            System.out.println(test + ": read " + hourly.size() + " final windows (expected " + expected.finalWindows() + ", "
                    + expected.ordersInFinalWindows() + " orders) and " + late.size() + " late records; "
                    + expected.openWindows() + " windows still open (" + expected.ordersInOpenWindows() + " orders)");
            results.forEach(System.out::println);
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertThat(late).as("records on product-revenue-late").isEmpty();
            assertThat(expected.ordersInFinalWindows() + expected.ordersInOpenWindows()).as("closed + still open").isEqualTo(ORDERS);
            assertThat(expected.finalWindows()).as("final windows").isEqualTo(23 * PRODUCTS.size());
            for (String topic : List.of("product-revenue-hourly", Expected.REVENUE_LATE, pipeline.deadLetterTopic(SERVICE))) {
                assertThat(pipeline.reader().openTransactions(topic)).as("open transactions on " + topic).isEmpty();
            }
        }
        System.out.println(test + ": " + seconds(began) + " s in all");
    }

    /**
     * Order i at START + i * 24 h / ORDERS, so each partition's event time ascends; its partition,
     * product, customer and amount (cents, 2 decimals) from a seeded random.
     */
    private static void writeBacklog(InputWriter input) {
        Random random = new Random(SEED);
        for (int i = 0; i < ORDERS; i++) {
            long timestamp = START + (long) i * SPAN / ORDERS;
            int draw = random.nextInt(10);
            int partition = draw < 5 ? 0 : draw < 8 ? 1 : 2;
            String product = PRODUCTS.get(random.nextInt(PRODUCTS.size()));
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(100_000), 2);
            long id = i + 1;
            String value = "{\"order_id\":" + id + ",\"customer_id\":" + (1 + random.nextInt(5000)) + ",\"amount\":"
                    + amount.toPlainString() + ",\"product\":\"" + product + "\",\"status\":\"paid\"}";
            input.send(Expected.ORDERS, partition, timestamp, String.valueOf(id), value);
        }
        input.flush();
    }

    private static Map<Integer, Long> perPartition(List<InputRecord> orders) {
        Map<Integer, Long> counts = new TreeMap<>();
        orders.forEach(r -> counts.merge(r.partition(), 1L, Long::sum));
        return counts;
    }

    /** Which partitions (of orders and the repartition topic) each member of the group holds now, as the coordinator says. */
    private static Map<String, List<String>> assignment(Pipeline pipeline) {
        String group = pipeline.applicationId(SERVICE);
        try {
            ConsumerGroupDescription description = pipeline.reader().admin().describeConsumerGroups(List.of(group)).all().get().get(group);
            Map<String, List<String>> members = new TreeMap<>();
            for (MemberDescription m : description.members()) {
                members.put(m.clientId(), m.assignment().topicPartitions().stream()
                        .map(tp -> (tp.topic().equals(Expected.ORDERS) ? "orders" : "repartition") + "-" + tp.partition()).sorted().toList());
            }
            return members;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe group " + group, e.getCause());
        }
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }
}
