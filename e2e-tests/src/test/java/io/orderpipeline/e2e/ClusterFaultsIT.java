package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.broker.KafkaCluster;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once on a replicated cluster under broker faults (issue 17, part 1): three KRaft nodes
 * (each broker and controller, its own JVM, loopback only), every topic with three replicas and
 * {@code min.insync.replicas=2} (the services' internal topics too, through
 * {@code KAFKA_REPLICATION_FACTOR} and {@code KAFKA_TOPIC_MIN_INSYNC_REPLICAS}), the five services
 * on a seeded stream of orders and customer updates. Mid-stream the leader of {@code orders}
 * partition 0 is killed with {@code kill -9} (no controlled shutdown) and started again once the
 * cluster has moved its leaderships; then another node likewise. After each fault every service
 * must be RUNNING and committing input again, within a bounded wait; at the end no transaction is
 * open and every output read with read_committed is exactly what the input implies (Expected).
 */
class ClusterFaultsIT {

    private static final long SEED = 20261202L;
    private static final int NODES = 3;
    private static final Duration WAIT = Duration.ofMinutes(2);
    /** How long a killed node stays down: past broker.session.timeout.ms (6 s), so the controller fences it. */
    private static final Duration DOWN = Duration.ofSeconds(10);

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private long start = System.nanoTime();

    @Test
    void outputsStayExactWhileTheLeaderOfOrdersAndThenAnotherBrokerAreKilled() throws Exception {
        Path root = Pipeline.projectRoot().resolve("e2e-tests/target/e2e");
        Files.createDirectories(root);
        Path dir = Files.createTempDirectory(root, "ClusterFaultsIT-nodes-");
        try (KafkaCluster cluster = KafkaCluster.start(dir, NODES)) {
            event("cluster of " + NODES + " nodes started: " + cluster.bootstrapServers());
            Map<String, String> env = ServiceProcess.env(
                    "KAFKA_REPLICATION_FACTOR", String.valueOf(NODES),
                    "KAFKA_TOPIC_MIN_INSYNC_REPLICAS", "2",
                    // Kafka Streams' 10 s transaction timeout is shorter than a broker's failover here: a commit
                    // held up by the killed node reached the coordinator after it had aborted the transaction on
                    // its own, and Kafka 4.4.0's coordinator answers that with the fatal INVALID_TXN_STATE
                    // ("state is COMPLETE_ABORT, but received transaction marker result to send: COMMIT",
                    // KAFKA-20785, fixed upstream to answer PRODUCER_FENCED): product-revenue and customer-join
                    // stopped in ERROR. With 60 s (the producer's own default) the coordinator does not abort
                    // during a failover. docs/security.md, "Replication".
                    "KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "60000");
            ExternalCluster target = new ExternalCluster(cluster.bootstrapServers(), Map.of(), (short) NODES);
            try (Pipeline pipeline = new Pipeline("ClusterFaultsIT", env, Pipeline.JVM_OPTIONS, target);
                    InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
                pipeline.startAll();
                event("all services RUNNING");
                Admin admin = pipeline.reader().admin();

                // No customer updates while brokers fail: customer-join joins an order with the customer as
                // processed so far, and a broker's failure can hold up a customer update's way to the join
                // (through its repartition topic) while a later order's goes on: in one run 1 of 2206
                // orders was joined with the version before an update older than it. That is the
                // join's documented limit (customer-join/README.md, no grace period), not a loss or a
                // duplicate; with updates on, the oracle would fail on it by chance.
                OrderStream stream = new OrderStream(input, Pipeline.PARTITIONS, SEED, 200, 0);
                // the customers first, as reference data is
                stream.writeCustomersBeforeFirstOrder();
                input.flush();
                pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);
                AtomicBoolean streaming = new AtomicBoolean(true);
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    while (streaming.get()) {
                        stream.write(10);
                        input.flush();
                        ServiceProcess.sleep(200);
                    }
                });
                ServiceProcess.sleep(5000);

                int leader = leaders(admin, Topics.ORDERS.name()).get(0);
                fault(cluster, pipeline, leader, "the leader of orders-0");
                ServiceProcess.sleep(3000);
                int other = leaders(admin, Topics.ORDERS.name()).stream().filter(id -> id != leader).findFirst()
                        .orElse(leader % NODES + 1);
                fault(cluster, pipeline, other, "another node");
                ServiceProcess.sleep(3000);

                streaming.set(false);
                writer.get();
                event("input stopped after " + stream.orders() + " orders");
                RestartIT.flushWindows(pipeline, stream, input);
                event("every group has consumed everything");
                events.forEach(System.out::println);

                assertReplicated(admin, Topics.ORDERS.name());
                assertReplicated(admin, "customer-stats");
                assertReplicated(admin, pipeline.deadLetterTopic("order-filter"));
                assertReplicated(admin, internalTopic(admin, pipeline.applicationId("customer-stats"), "-changelog"));
                assertReplicated(admin, internalTopic(admin, pipeline.applicationId("product-revenue"), "-repartition"));
                for (ServiceProcess service : pipeline.services()) {
                    assertThat(service.isAlive()).as(service.name() + " still runs (never exited by itself)").isTrue();
                }
                Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), PipelineIT.RULES);
                System.out.println("Coverage: " + expected.coverage());
                PipelineIT.assertNoOpenTransactions(pipeline);
                PipelineIT.printDeadLetterVisibility(pipeline);
                List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
                results.forEach(System.out::println);
                assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
                assertThat(expected.coverage("final windows")).isPositive();
            }
        } finally {
            // the nodes' logs (node-<id>/node.log) stay; their data goes
            for (int node = 1; node <= NODES; node++) {
                Pipeline.deleteRecursively(dir.resolve("node-" + node).resolve("logs"));
            }
        }
    }

    /**
     * kill -9 of a node while orders flow; after {@link #DOWN} it is started again (same ports and
     * data); then every partition has all its replicas in sync again, and every service is RUNNING
     * and has committed input read after the fault.
     */
    private void fault(KafkaCluster cluster, Pipeline pipeline, int node, String which) {
        Admin admin = pipeline.reader().admin();
        Map<String, Long> committedBefore = new java.util.HashMap<>();
        for (ServiceProcess service : pipeline.services()) {
            committedBefore.put(service.name(), committedOnOrders(admin, pipeline.applicationId(service.name())));
        }
        cluster.kill(node);
        event("kill -9 node " + node + " (" + which + ")");
        ServiceProcess.sleep(DOWN.toMillis());
        event("leaders of orders with node " + node + " down: " + leaders(admin, Topics.ORDERS.name()));
        cluster.start(node);
        event("node " + node + " started again");
        awaitFullIsr(admin);
        event("every partition has its " + NODES + " replicas in sync again");
        for (ServiceProcess service : pipeline.services()) {
            awaitRunning(service);
            long before = committedBefore.get(service.name());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (committedOnOrders(admin, pipeline.applicationId(service.name())) <= before) {
                assertThat(System.nanoTime()).as(service.name() + " commits input again after node " + node + " was killed")
                        .isLessThan(deadline);
                ServiceProcess.sleep(500);
            }
        }
        event("every service RUNNING and committing input again");
    }

    /** Waits until the service runs and the last state its StreamsApp logged is RUNNING. */
    private static void awaitRunning(ServiceProcess service) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            assertThat(service.isAlive()).as(service.name() + " is alive; log tail:\n" + ServiceProcess.tail(service.output(), 30))
                    .isTrue();
            String last = null;
            for (String line : service.output().split("\n")) {
                if (line.contains(service.name() + " state ")) {
                    last = line;
                }
            }
            if (last != null && last.endsWith("-> RUNNING")) {
                return;
            }
            assertThat(System.nanoTime()).as(service.name() + " RUNNING again; last state line: " + last).isLessThan(deadline);
            ServiceProcess.sleep(500);
        }
    }

    /** The sum of the offsets the group has committed on orders. */
    private static long committedOnOrders(Admin admin, String group) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(Topics.ORDERS.name()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            return -1; // the group coordinator is moving: ask again
        }
    }

    /** The leader of each partition of {@code topic}, in partition order (-1 for none). */
    private static List<Integer> leaders(Admin admin, String topic) {
        return describe(admin, List.of(topic)).get(0).partitions().stream()
                .map(p -> p.leader() == null ? -1 : p.leader().id()).toList();
    }

    /** Waits until every partition of every topic (internal ones included) has all its replicas in sync and a leader. */
    private static void awaitFullIsr(Admin admin) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> lagging = new ArrayList<>();
            try {
                List<String> names = new ArrayList<>(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get());
                for (TopicDescription d : describe(admin, names)) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.isr().size() < p.replicas().size()) {
                            lagging.add(d.name() + "-" + p.partition() + " isr " + p.isr().size() + "/" + p.replicas().size());
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | RuntimeException e) {
                lagging.add("metadata not available: " + e);
            }
            if (lagging.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as("replicas in sync again; lagging: " + lagging).isLessThan(deadline);
            ServiceProcess.sleep(500);
        }
    }

    private static List<TopicDescription> describe(Admin admin, List<String> topics) {
        try {
            Map<String, TopicDescription> all = admin.describeTopics(topics).allTopicNames().get();
            return topics.stream().map(all::get).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe " + topics, e.getCause());
        }
    }

    private static String internalTopic(Admin admin, String applicationId, String suffix) throws Exception {
        return admin.listTopics().names().get().stream()
                .filter(n -> n.startsWith(applicationId + "-") && n.endsWith(suffix)).sorted().findFirst()
                .orElseThrow(() -> new AssertionError("no internal topic " + applicationId + "-*" + suffix));
    }

    /** Three replicas on three nodes for every partition, and min.insync.replicas=2. */
    private static void assertReplicated(Admin admin, String topic) throws Exception {
        for (TopicPartitionInfo p : describe(admin, List.of(topic)).get(0).partitions()) {
            assertThat(p.replicas()).as(topic + "-" + p.partition() + " replicas").hasSize(NODES);
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("min.insync.replicas").value()).as(topic + " min.insync.replicas").isEqualTo("2");
    }

    private void event(String what) {
        events.add(String.format("%s +%3ds %s", Instant.now(), Duration.ofNanos(System.nanoTime() - start).toSeconds(), what));
        System.out.println(events.get(events.size() - 1));
    }
}
