package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topics;
import io.orderpipeline.http.KeyRouter;
import io.orderpipeline.launch.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The focused part of the end-to-end suite under the group protocol that is not the default: the
 * broker-driven streams rebalance protocol (KIP-1071, {@code KAFKA_GROUP_PROTOCOL=streams}), every
 * service a static member ({@code KAFKA_GROUP_INSTANCE_ID}). The rest of the suite runs the
 * default, {@code classic}. While a seeded stream of orders and customer updates flows,
 * customer-stats is killed with {@code kill -9} and started again at once (same state dir, same
 * instance id), and again after each refused start (see {@link #restartUntilRunning}); then, with the input at rest, a second customer-stats instance joins (a rebalance)
 * while both are asked {@code GET /customers/{id}/stats} all along: every answer given is the
 * committed total, never another (a 503 while a partition moves is allowed), until the rebalance is
 * done (both members hold their target assignment) and both answer every customer. The standby
 * count comes from {@code NUM_STANDBY_REPLICAS=1} through the group config
 * {@code streams.num.standby.replicas}: the rebalance is done only once both members hold standby
 * tasks. Then more orders, and every output, read with read_committed, is exactly what the input
 * implies.
 */
class StreamsProtocolIT {

    private static final Duration REBALANCE_TIMEOUT = Duration.ofMinutes(3);
    /** Past the killed member's session timeout (45 s) with room for slow starts on a busy machine. */
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(4);
    private static final int PROBED_CUSTOMERS = 30;

    @Test
    void pipelineExactThroughAKillAndARebalanceWithQueries() throws Exception {
        Map<String, String> env = ServiceProcess.env(
                "KAFKA_GROUP_PROTOCOL", "streams",
                // one group per service: the same instance id in each is one member per group
                "KAFKA_GROUP_INSTANCE_ID", "instance-a");
        try (Pipeline pipeline = new Pipeline("StreamsProtocolIT", env);
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            pipeline.replaceEnv("customer-stats", "NUM_STANDBY_REPLICAS", "1");
            pipeline.startAll();
            Admin admin = pipeline.reader().admin();
            assertStreamsGroups(admin, Services.NAMES.stream().map(pipeline::applicationId).toList());
            String statsGroup = pipeline.applicationId("customer-stats");
            assertThat(standbyConfig(admin, statsGroup)).as("streams.num.standby.replicas of " + statsGroup).isEqualTo("1");
            assertThat(standbyConfig(admin, pipeline.applicationId("order-filter"))).as("NUM_STANDBY_REPLICAS unset: untouched")
                    .isEqualTo("0");
            assertThat(pipeline.service("customer-stats").output()).contains("Streams rebalance protocol enabled");

            OrderStream stream = new OrderStream(input, Pipeline.PARTITIONS, 15, 200);
            stream.write(600);
            input.flush();
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            // kill -9 mid-stream (a transaction open: commits every 100 ms), started again at once as a supervisor would
            AtomicBoolean streaming = new AtomicBoolean(true);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (streaming.get()) {
                    stream.write(25);
                    input.flush();
                    ServiceProcess.sleep(250);
                }
            });
            ServiceProcess.sleep(2000);
            ServiceProcess stats = pipeline.service("customer-stats");
            stats.kill();
            long killed = System.nanoTime();
            int refused = restartUntilRunning(stats);
            System.out.printf("customer-stats RUNNING %.1f s after kill -9 (static member, streams protocol; %d start%s refused"
                    + " with UNRELEASED_INSTANCE_ID before)%n", (System.nanoTime() - killed) / 1e9, refused, refused == 1 ? "" : "s");
            ServiceProcess.sleep(2000);
            streaming.set(false);
            writer.get();
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            rebalanceWithQueries(pipeline, admin);

            stream.write(300);
            input.flush();
            RestartIT.flushWindows(pipeline, stream, input);
            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), PipelineIT.RULES);
            System.out.println("Coverage: " + expected.coverage());
            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(System.out::println);
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            PipelineIT.assertNoOpenTransactions(pipeline);
        }
    }

    /**
     * Starts a killed service again as a supervisor would, again after each exit, until it is
     * RUNNING; returns how many starts were refused. Under the streams protocol in 4.4 the group
     * coordinator refuses a static member whose instance id is still held by the killed member
     * ({@code UnreleasedInstanceIdException}, fatal for the client: the service exits 1) until that
     * member's session times out ({@code streams.session.timeout.ms}, 45 s by default and at least);
     * the classic protocol lets the new member take the old one's place at once.
     */
    private static int restartUntilRunning(ServiceProcess service) {
        long deadline = System.nanoTime() + RESTART_TIMEOUT.toNanos();
        for (int refused = 0; ; refused++) {
            service.start();
            try {
                service.awaitRunning(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                return refused;
            } catch (IllegalStateException e) {
                if (service.isAlive() || !service.output().contains("UnreleasedInstanceIdException") || System.nanoTime() > deadline) {
                    throw e;
                }
                ServiceProcess.sleep(1000);
            }
        }
    }

    /**
     * A second customer-stats instance joins while the input is at rest; both are asked all along,
     * until the rebalance is done. Every 200 is the committed total; a 503 (rebalancing, restoring, a
     * partition between two members) is allowed, nothing else: a 404 for a customer with orders was
     * what Kafka Streams' key metadata gave while partitions were between members (see KeyRouter).
     */
    private static void rebalanceWithQueries(Pipeline pipeline, Admin admin) throws Exception {
        Map<Long, JsonNode> committed = latestStats(pipeline);
        List<Long> probes = committed.keySet().stream().limit(PROBED_CUSTOMERS).toList();
        ServiceProcess first = pipeline.service("customer-stats");
        ServiceProcess second = pipeline.extraInstance("customer-stats", "customer-stats-b")
                .withEnv("KAFKA_GROUP_INSTANCE_ID", "instance-b");
        try {
            int[] ports = {Integer.parseInt(first.env().get("HTTP_PORT")), Integer.parseInt(second.env().get("HTTP_PORT"))};
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            List<String> wrong = new ArrayList<>();
            int[] answered = new int[2];
            int[] unavailable = new int[2];
            second.start();
            long deadline = System.nanoTime() + REBALANCE_TIMEOUT.toNanos();
            String group = pipeline.applicationId("customer-stats");
            boolean settled = false;
            while (!settled) {
                GroupAssignment assignment = assignment(admin, group);
                assertThat(System.nanoTime()).as("the rebalance done and both instances answering every customer within "
                        + REBALANCE_TIMEOUT + "; answers " + java.util.Arrays.toString(answered) + ", 503s "
                        + java.util.Arrays.toString(unavailable) + "; group " + assignment + "; " + second.log()).isLessThan(deadline);
                assertThat(first.isAlive() && second.isAlive()).as("both instances alive").isTrue();
                settled = assignment.done();
                for (int i = 0; i < 2; i++) {
                    for (long customer : probes) {
                        Answer answer = ask(client, ports[i], customer);
                        if (answer.status() == 200) {
                            answered[i]++;
                            JsonNode expected = committed.get(customer);
                            if (answer.body().get("count").asLong() != expected.get("count").asLong()
                                    || answer.body().get("total").decimalValue().compareTo(expected.get("total").decimalValue()) != 0) {
                                wrong.add("instance " + i + " answered " + answer.body() + " where " + expected + " is committed");
                            }
                        } else {
                            settled = false;
                            if (answer.status() == 503) {
                                unavailable[i]++;
                            } else if (answer.status() != -1 || i == 0) { // the second may not listen yet
                                wrong.add("instance " + i + ": status " + answer.status() + " for customer " + customer + ": " + answer.error());
                            }
                        }
                    }
                }
                ServiceProcess.sleep(100);
            }
            System.out.printf("Rebalance with queries: 200s %s, 503s %s, wrong %d; customer-stats group: %s%n",
                    java.util.Arrays.toString(answered), java.util.Arrays.toString(unavailable), wrong.size(), assignment(admin, group));
            assertThat(wrong).as("answers during the rebalance").isEmpty();
            assertThat(answered[1]).as("answers of the instance that joined").isPositive();
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT, List.of("customer-stats"));
        } finally {
            second.close();
        }
    }

    /**
     * The group's assignments; done once both members hold their target assignment, and the broker
     * gave each the standby count of the group config (each instance holds a copy of the other's
     * state). Until then a query may meet partitions revoked from one member and not yet given to the other.
     */
    private record GroupAssignment(boolean done, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static GroupAssignment assignment(Admin admin, String group) throws Exception {
        StreamsGroupDescription description = admin.describeStreamsGroups(List.of(group)).all().get().get(group);
        List<String> assignments = description.members().stream()
                .map(m -> m.instanceId().orElse("?") + ": active " + tasks(m.assignment().activeTasks()) + " standby "
                        + tasks(m.assignment().standbyTasks()) + " (target active " + tasks(m.targetAssignment().activeTasks())
                        + " standby " + tasks(m.targetAssignment().standbyTasks()) + ")").toList();
        boolean done = description.members().size() == 2 && description.groupState() == GroupState.STABLE
                && description.members().stream().allMatch(m -> !m.assignment().standbyTasks().isEmpty()
                        && tasks(m.assignment().activeTasks()).equals(tasks(m.targetAssignment().activeTasks()))
                        && tasks(m.assignment().standbyTasks()).equals(tasks(m.targetAssignment().standbyTasks())));
        return new GroupAssignment(done, description.groupState() + " " + assignments);
    }

    /** Task ids as {@code subtopology_partition}, sorted. */
    private static Set<String> tasks(List<StreamsGroupMemberAssignment.TaskIds> tasks) {
        Set<String> ids = new TreeSet<>();
        tasks.forEach(t -> t.partitions().forEach(p -> ids.add(t.subtopologyId() + "_" + p)));
        return ids;
    }

    private static void assertStreamsGroups(Admin admin, Collection<String> groups) throws Exception {
        Map<String, GroupListing> listed = new TreeMap<>();
        admin.listGroups().all().get().forEach(g -> listed.put(g.groupId(), g));
        for (String group : groups) {
            assertThat(listed).as("groups").containsKey(group);
            assertThat(listed.get(group).type()).as(group + " type").contains(GroupType.STREAMS);
        }
    }

    private static String standbyConfig(Admin admin, String group) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("streams.num.standby.replicas").value();
    }

    /** Each customer's latest totals in customer-stats, read committed. */
    private static Map<Long, JsonNode> latestStats(Pipeline pipeline) throws IOException {
        Map<Long, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : pipeline.reader().readAll(Topics.CUSTOMER_STATS.name())) {
            JsonNode stats = Json.MAPPER.readTree(new String(record.value(), StandardCharsets.UTF_8));
            latest.merge(stats.get("customer_id").asLong(), stats, (a, b) -> a.get("count").asLong() >= b.get("count").asLong() ? a : b);
        }
        return latest;
    }

    private record Answer(int status, JsonNode body, String error) {
    }

    /** The answer to {@code GET /customers/{id}/stats}; status -1 when nothing listens. */
    private static Answer ask(HttpClient client, int port, long customer) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/customers/" + customer + "/stats")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? new Answer(200, Json.MAPPER.readTree(response.body()), null)
                    : new Answer(response.statusCode(), null, response.body() + " from " + response.headers().firstValue(KeyRouter.SERVED_BY).orElse("?"));
        } catch (IOException e) {
            return new Answer(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
