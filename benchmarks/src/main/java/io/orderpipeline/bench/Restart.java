package io.orderpipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.bench.Benchmark.*;
import io.orderpipeline.common.*;
import io.orderpipeline.generator.*;
import io.orderpipeline.launch.ServiceProcess;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Restart and restore of customer-stats with a state of N customers: the instance holding the active stateful tasks is killed
 * (or stopped, or a second one joins) and started again at once; measured from that start (benchmarks/README.md, Restart).
 */
record Restart(Benchmark bench) {

    private static final int PARTITIONS = 3;
    private static final Pattern RESTORED = Pattern.compile("Finished restoring changelog.*with a total number of (\\d+) records");

    /** Seconds from the restart; survivor NaN with one instance. */
    record Result(String event, String variant, int standbys, Membership membership, int instances, int customers, double toRunning,
            double queryable, double survivorQueryable, double processing, List<Double> perPartition, long restored, String load,
            boolean exact, String detail) { }

    /** The services' logging plus Kafka Streams' changelog restores (StoreChangelogReader) at INFO: read from this jar. */
    private static final String LOGGING = "-Dlogback.configurationFile=" + Restart.class.getResource("/restart-logback.xml");

    /** Every size x membership x standbys x event, each variant right after its baseline. */
    List<Result> run() {
        System.out.println("restart after " + String.join(", ", bench.restarts) + " (customer-stats):");
        List<Result> results = new ArrayList<>();
        for (int customers : bench.restoreCustomers) {
            for (Membership membership : bench.membership) {
                for (int standbys : bench.standbys) {
                    for (String event : bench.restarts) {
                        if (event.equals("scale-out") && standbys > 0) {
                            continue; // from one instance to two
                        }
                        bench.variants.forEach((name, env) -> bench.attempt(event + " " + customers + " customers standby " + standbys + " "
                                + membership + " " + name, () -> restart(event, standbys, membership, customers, name, env), results::add));
                    }
                }
            }
        }
        return results;
    }

    private Result restart(String event, int standbys, Membership membership, int customers, String variant, Map<String, String> variantEnv) {
        int instances = standbys == 0 ? 1 : 2;
        Duration timeout = Duration.ofSeconds(Math.max(240, customers / 2000));
        String appId = bench.newAppId("customer-stats-" + event + "-" + customers + "-sb" + standbys
                + (variant.isEmpty() ? "" : "-" + variant));
        List<ServiceProcess> procs = new ArrayList<>(); // not started yet: with scale-out, the instance that joins
        for (int i = 0; i < instances + (event.equals("scale-out") ? 1 : 0); i++) {
            Map<String, String> own = ServiceProcess.env("KAFKA_AUTO_OFFSET_RESET", "latest", "NUM_STANDBY_REPLICAS", "" + standbys,
                    "STATE_DIR", bench.workDir.resolve("state").resolve(appId + "-" + i).toString(), "KAFKA_CLIENT_ID", appId + "-i" + i);
            if (membership == Membership.STATIC) { // a restarted instance takes its old place at once, no rebalance
                own.put("KAFKA_GROUP_INSTANCE_ID", appId + "-i" + i);
            }
            procs.add(bench.service("customer-stats", appId + "-" + i, bench.serviceEnv(appId, Guarantee.EXACTLY_ONCE_V2, 0, own,
                    variantEnv), LOGGING));
        }
        Map<Long, long[]> totals = new ConcurrentHashMap<>(); // customer -> {count, nanos}
        try (Latency.Tail tail = new Latency.Tail(bench.cluster, Topics.CUSTOMER_STATS.name(), record -> {
                JsonNode stats = Preload.json(record.value());
                if (stats.has("customer_id") && stats.has("count")) {
                    totals.put(stats.get("customer_id").asLong(), new long[] {stats.get("count").asLong(), System.nanoTime()});
                }
            });
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     bench.cluster.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer())) {
            List<ServiceProcess> started = procs.subList(0, instances);
            started.forEach(ServiceProcess::start);
            started.forEach(p -> p.awaitRunning(Duration.ofSeconds(120)));
            List<Long> warmup = probeCustomers(customers + 1); // they start from the end of orders: wait until each partition is read
            if (!Benchmark.await(started, 1000, Duration.ofSeconds(120), () -> seen(totals, warmup, 1) || !sendProbes(producer, warmup))) {
                throw new IllegalStateException(appId + ": warm-up probes not answered in 120 s");
            }
            System.out.printf("  customer-stats%s standby %d (%d instance(s)): filling the state with %,d customers...%n",
                    variant.isEmpty() ? "" : " [" + variant + "]", standbys, instances, customers);
            sendOnePerCustomer(producer, customers);
            Throughput.awaitDrained(bench.cluster, started, appId, bench.cluster.logEndOffsets(Topics.ORDERS.name()),
                    bench.cluster.partitions(bench.cluster.repartitionTopics(appId)), Guarantee.EXACTLY_ONCE_V2, timeout, 0);
            if (standbys > 0) {
                ServiceProcess.sleep(5000); // the standby restores the changelog in the background; nothing outside shows when it is done
            }
            List<Long> probes = probeCustomers(1);
            String load = Benchmark.loadAverage();
            int victim = event.equals("scale-out") ? instances : activeStatefulOwner(appId, instances);
            ServiceProcess restarted = procs.get(victim);
            if (event.equals("sigterm")) {
                long stop = System.nanoTime();
                restarted.stop(Duration.ofSeconds(40));
                System.out.printf("  instance %d stopped %.1f s after SIGTERM%n", victim, (System.nanoTime() - stop) / 1e9);
            } else if (event.equals("kill9")) {
                restarted.kill();
            }
            long restart = System.nanoTime();
            restarted.start(); // the same state dir, as a supervisor would
            sendProbes(producer, probes);
            ServiceProcess.Line running = null;
            int refused = 0;
            while (running == null) {
                try {
                    running = restarted.awaitRunning(timeout);
                } catch (IllegalStateException e) {
                    // exited before RUNNING: the streams protocol refuses a static member whose instance id the killed member
                    // still holds until its session times out; started again after 1 s, as a supervisor would
                    if (restarted.isAlive() || System.nanoTime() - restart > timeout.toNanos()) {
                        throw e;
                    }
                    refused++;
                    ServiceProcess.sleep(1000);
                    restarted.start();
                }
            }
            Map<Integer, Long> queryable = new HashMap<>();
            if (!Benchmark.await(procs, 20, timeout.minusNanos(System.nanoTime() - restart), () -> {
                for (int i = 0; i < procs.size(); i++) {
                    String port = procs.get(i).env().get("HTTP_PORT");
                    if (!queryable.containsKey(i) && probes.stream().allMatch(customer -> Http.get("http://127.0.0.1:" + port
                            + "/customers/" + customer + "/stats", 2000).startsWith("200 "))) {
                        queryable.put(i, System.nanoTime());
                    }
                }
                return seen(totals, probes, 2) && queryable.size() == procs.size();
            })) {
                throw new IllegalStateException(appId + ": not serving " + timeout + " after the restart; queryable " + queryable.keySet());
            }
            List<Double> perPartition = probes.stream().map(c -> (totals.get(c)[1] - restart) / 1e9).toList();
            Map<Long, Long> counts = new LinkedHashMap<>();
            probes.forEach(c -> counts.put(c, totals.get(c)[0]));
            boolean exact = counts.values().stream().allMatch(c -> c == 2);
            long restored = restarted.linesContaining("Finished restoring changelog").stream().map(RESTORED::matcher)
                    .filter(Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).sum();
            String detail = (event.equals("scale-out") ? "instance " + victim + " joined " + instances : event + " of instance " + victim
                    + " of " + instances) + (refused > 0 ? "; " + refused + " start(s) refused before (exited)" : "")
                    + "; probe counts " + counts;
            Result r = new Result(event, variant, standbys, membership, procs.size(), customers, (running.nanos() - restart) / 1e9,
                    (queryable.get(victim) - restart) / 1e9, procs.size() == 1 ? Double.NaN : (queryable.get(1 - victim) - restart) / 1e9,
                    perPartition.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), perPartition, restored, load, exact, detail);
            System.out.printf("  customer-stats%s %s, standby %d, %,d customers: RUNNING after %.1f s, queryable after %.1f s (survivor %.1f s);"
                    + " every partition processing after %.1f s; %,d changelog records restored; load %s; state %s%n",
                    variant.isEmpty() ? "" : " [" + variant + "]", event, standbys, customers, r.toRunning(), r.queryable(),
                    r.survivorQueryable(), r.processing(), restored, load, exact ? "exact" : "WRONG: " + counts);
            return r;
        } finally {
            procs.stream().filter(ServiceProcess::isAlive).forEach(p -> p.stop(Duration.ofSeconds(40)));
            bench.cluster.deleteAppTopics(appId);
        }
    }

    private static boolean seen(Map<Long, long[]> totals, List<Long> customers, long count) {
        return customers.stream().allMatch(c -> totals.containsKey(c) && totals.get(c)[0] >= count);
    }

    /** The instance whose stream threads own the most repartition partitions (the active stateful tasks). */
    private int activeStatefulOwner(String appId, int instances) {
        int[] owned = new int[instances];
        for (var member : instances == 1 ? List.<org.apache.kafka.clients.admin.MemberDescription>of() : bench.cluster.members(appId)) {
            for (int i = 0; i < instances; i++) {
                if (member.clientId().startsWith(appId + "-i" + i + "-")) {
                    owned[i] += (int) member.assignment().topicPartitions().stream().filter(tp -> tp.topic().endsWith("-repartition")).count();
                }
            }
        }
        return instances == 1 || owned[0] >= owned[1] ? 0 : 1;
    }

    /** One customer id per partition (Kafka's default partitioner), the smallest from {@code from}. */
    private static List<Long> probeCustomers(long from) {
        Long[] chosen = new Long[PARTITIONS];
        for (long c = from; Arrays.asList(chosen).contains(null); c++) {
            int p = Utils.toPositive(Utils.murmur2(String.valueOf(c).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (chosen[p] == null) {
                chosen[p] = c;
            }
        }
        return List.of(chosen);
    }

    /** Probe i goes to input partition i: every input and every stateful task sees one. True: sent. */
    private static boolean sendProbes(KafkaProducer<String, String> producer, List<Long> customers) {
        for (int i = 0; i < customers.size(); i++) {
            long orderId = 900_000_000L + System.nanoTime() % 1_000_000;
            producer.send(new ProducerRecord<>(Topics.ORDERS.name(), i % PARTITIONS, System.currentTimeMillis(), "" + orderId, "{\"order_id\":"
                    + orderId + ",\"customer_id\":" + customers.get(i) + ",\"amount\":10.00,\"product\":\"probe\",\"status\":\"paid\"}"));
        }
        producer.flush();
        return true;
    }

    /** The generator's realistic orders, the n-th one for customer n: every customer 1..count once. */
    private static void sendOnePerCustomer(KafkaProducer<String, String> producer, int count) {
        long customer = 1;
        for (GeneratedRecord record : new DataGenerator(GeneratorOptions.defaults(5).withCount(count))) {
            if (record.isOrderSlot()) {
                ObjectNode order = (ObjectNode) Preload.json(record.value());
                order.put("customer_id", customer++);
                try {
                    producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, System.currentTimeMillis(), record.key(),
                            Json.MAPPER.writeValueAsString(order)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        producer.flush();
    }
}
