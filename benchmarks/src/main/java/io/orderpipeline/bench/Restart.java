package io.orderpipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Topics;
import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratedRecord;
import io.orderpipeline.generator.GeneratorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Restart and restore time of customer-stats after {@code kill -9}, with a state of
 * {@code --restore-customers} customers: the instance holding the active stateful tasks is
 * killed and started again at once (as a supervisor would), and the harness measures from that
 * restart to the restarted instance's RUNNING and to the moment every partition serves again: one
 * probe order per partition, sent at the restart, has its new running totals visible to a
 * read_committed consumer; and to the restarted instance answering {@code GET /customers/{id}/stats}
 * with 200 for a customer of every partition. The totals also show the state came back exactly (count 2: the
 * customer's order before the kill plus the probe). Standby replicas 0: one instance; 1: two
 * instances, the survivor holds a standby copy of the killed one's state. A variant (e.g.
 * {@code KAFKA_ENABLE_TRANSACTIONAL_STATESTORES=false}) runs the same restart with extra
 * environment; the restarted instance logs its changelog restores (Kafka Streams'
 * {@code StoreChangelogReader} at INFO), and the result counts the records restored: with
 * transactional state stores the local state survives the kill and little or nothing is restored,
 * without them exactly-once wipes the task's state and the whole changelog is read again. The event
 * ({@code --restarts}) is {@value #KILL9}, {@value #SIGTERM} (a clean stop, then the same start) or
 * {@value #SCALE_OUT}: nothing is stopped, a second instance joins the one that holds the state
 * (its own state dir, port and instance id), measured from its start to both answering queries.
 */
final class Restart {

    static final String KILL9 = "kill9";
    static final String SIGTERM = "sigterm";
    static final String SCALE_OUT = "scale-out";
    static final List<String> KINDS = List.of(KILL9, SIGTERM, SCALE_OUT);
    private static final int PARTITIONS = 3;
    /** The least time allowed for the fill, the restart and the serving; larger states get more (1 s per 2,000 customers). */
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(240);
    private static final String RESTORED = "Finished restoring changelog";
    private static final java.util.regex.Pattern RESTORED_RECORDS = java.util.regex.Pattern.compile("with a total number of (\\d+) records");

    /**
     * Seconds from the restart. {@code queryableSeconds}: the restarted instance answers
     * {@code GET /customers/{id}/stats} with 200 for a customer of every partition;
     * {@code survivorQueryableSeconds} the same on the instance that was not killed (NaN with one instance).
     */
    record Result(String kind, String variant, int standbys, boolean staticMembership, int instances, int customers, double toRunningSeconds,
            double toServingSeconds, List<Double> probeSeconds, double queryableSeconds, double survivorQueryableSeconds,
            long restoredRecords, String loadAverage, boolean exact, String detail) {
    }

    private final Bench bench;

    Restart(Bench bench) {
        this.bench = bench;
    }

    /** A restart ({@code kind}) with {@code customers} in the state; {@code variant} ("" for the baseline) adds {@code variantEnv}. */
    Result run(String kind, int standbys, boolean staticMembership, int customers, String variant, Map<String, String> variantEnv) {
        int instances = standbys == 0 ? 1 : 2;
        Duration timeout = MIN_TIMEOUT.compareTo(Duration.ofSeconds(customers / 2000)) >= 0 ? MIN_TIMEOUT : Duration.ofSeconds(customers / 2000);
        String appId = bench.newAppId("customer-stats-" + kind + "-" + customers + "-sb" + standbys + (variant.isEmpty() ? "" : "-" + variant));
        List<String> restoreLogging = List.of("-Dlogback.configurationFile=" + restoreLogging());
        List<Map<String, String>> envs = new ArrayList<>();
        for (int i = 0; i < instances + (kind.equals(SCALE_OUT) ? 1 : 0); i++) {
            Map<String, String> env = bench.serviceEnv(appId, Options.EOS, 0);
            env.put("KAFKA_AUTO_OFFSET_RESET", "latest");
            env.put("NUM_STANDBY_REPLICAS", String.valueOf(standbys));
            env.put("STATE_DIR", bench.workDir.resolve("state").resolve(appId + "-" + i).toString());
            env.put("KAFKA_CLIENT_ID", clientId(appId, i));
            if (staticMembership) {
                // static membership: a restarted instance takes its old place at once, no rebalance
                env.put("KAFKA_GROUP_INSTANCE_ID", clientId(appId, i));
            }
            env.putAll(bench.options.env);
            env.putAll(variantEnv);
            envs.add(env);
        }
        List<Proc> procs = new ArrayList<>();
        try (Totals totals = new Totals(bench.bootstrap()); KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < instances; i++) {
                procs.add(bench.startService("customer-stats", appId + "-" + i, envs.get(i), restoreLogging));
            }
            for (Proc proc : procs) {
                proc.awaitRunning(Duration.ofSeconds(120));
            }
            totals.start();
            // the instances start from the end of orders: wait until each input partition is read
            List<Long> warmupCustomers = probeCustomers(customers + 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!totals.seenAll(warmupCustomers, 1)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(appId + ": warm-up probes not answered in 120 s");
                }
                sendProbes(producer, warmupCustomers);
                Throughput.sleep(Duration.ofSeconds(1));
            }

            System.out.printf("  customer-stats%s standby %d (%d instance%s): filling the state with %,d customers...%n",
                    variant.isEmpty() ? "" : " [" + variant + "]", standbys, instances, instances == 1 ? "" : "s", customers);
            sendOnePerCustomer(producer, customers);
            Drain.await(bench.cluster, procs, appId, bench.cluster.endOffsets(Topics.ORDERS.name()),
                    Drain.repartitionPartitions(bench.cluster, appId), true, System.nanoTime() + timeout.toNanos());
            if (standbys > 0) {
                // the standby restores the changelog in the background; nothing outside shows when it is done
                Throughput.sleep(Duration.ofSeconds(5));
            }

            List<Long> probes = probeCustomers(1);
            String load = Report.loadAverage();
            int victim; // the instance started at the restart: the one stopped, or the one that joins
            long restart;
            if (kind.equals(SCALE_OUT)) {
                victim = instances;
                restart = System.nanoTime();
                procs.add(bench.startService("customer-stats", appId + "-" + victim + "-joined", envs.get(victim), restoreLogging));
            } else {
                victim = activeStatefulOwner(appId, instances);
                if (kind.equals(SIGTERM)) {
                    long stop = System.nanoTime();
                    procs.get(victim).stop(Duration.ofSeconds(40));
                    System.out.printf("  instance %d stopped %.1f s after SIGTERM%n", victim, (System.nanoTime() - stop) / 1e9);
                } else {
                    procs.get(victim).kill9();
                }
                restart = System.nanoTime();
                procs.set(victim, bench.startService("customer-stats", appId + "-" + victim + "-restarted", envs.get(victim), restoreLogging));
            }
            sendProbes(producer, probes);
            Proc.Line running = null;
            int refused = 0;
            while (running == null) {
                try {
                    running = procs.get(victim).awaitRunning(timeout);
                } catch (IllegalStateException e) {
                    // exited before RUNNING: the streams protocol (4.4) refuses a static member whose instance id the
                    // killed member still holds (UnreleasedInstanceIdException) until that member's session times out;
                    // started again, as a supervisor would
                    if (procs.get(victim).isAlive() || System.nanoTime() - restart > timeout.toNanos()) {
                        throw e;
                    }
                    procs.get(victim).stop(Duration.ofSeconds(5));
                    refused++;
                    Throughput.sleep(Duration.ofSeconds(1));
                    procs.set(victim, bench.startService("customer-stats", appId + "-" + victim + "-restarted-" + refused, envs.get(victim),
                            restoreLogging));
                }
            }
            Map<Long, Long> served = null;
            Map<Integer, Long> queryable = new HashMap<>();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            while (served == null || queryable.size() < procs.size()) {
                if (System.nanoTime() - restart > timeout.toNanos()) {
                    throw new IllegalStateException(appId + ": not serving " + timeout + " after the restart; probes "
                            + totals.counts(probes) + ", queryable instances " + queryable.keySet());
                }
                procs.forEach(Proc::requireAlive);
                if (served == null && totals.seenAll(probes, 2)) {
                    served = totals.arrivals(probes);
                }
                for (int i = 0; i < procs.size(); i++) {
                    if (!queryable.containsKey(i) && answersAll(client, Bench.httpPort(envs.get(i)), probes)) {
                        queryable.put(i, System.nanoTime());
                    }
                }
                Throughput.sleep(Duration.ofMillis(20));
            }
            Map<Long, Long> arrived = served;
            List<Double> probeSeconds = probes.stream().map(c -> (arrived.get(c) - restart) / 1e9).toList();
            double toServing = probeSeconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            Map<Long, Long> counts = totals.counts(probes);
            boolean exact = counts.values().stream().allMatch(c -> c == 2);
            String detail = (kind.equals(SCALE_OUT) ? "instance " + victim + " joined " + instances : kind + " of instance " + victim
                    + " of " + instances) + (refused > 0 ? "; " + refused + " start(s) refused before (exited)" : "") + "; probe counts " + counts;
            int survivor = procs.size() == 1 ? -1 : 1 - victim;
            long restored = restoredRecords(procs.get(victim));
            Result result = new Result(kind, variant, standbys, staticMembership, procs.size(), customers, (running.nanos() - restart) / 1e9,
                    toServing, probeSeconds, (queryable.get(victim) - restart) / 1e9,
                    survivor < 0 ? Double.NaN : (queryable.get(survivor) - restart) / 1e9, restored, load, exact, detail);
            System.out.printf("  customer-stats%s %s, standby %d, %,d customers: restarted instance RUNNING after %.1f s, queryable after %.1f s%s;"
                    + " all partitions serving after %.1f s (per partition %s); %,d changelog records restored; load %s; state %s%n",
                    variant.isEmpty() ? "" : " [" + variant + "]", kind, standbys, customers, result.toRunningSeconds(),
                    result.queryableSeconds(), survivor < 0 ? "" : String.format(" (the survivor: %.1f s)", result.survivorQueryableSeconds()),
                    toServing, format(probeSeconds), restored, load, exact ? "exact" : "WRONG: " + counts);
            return result;
        } finally {
            for (Proc proc : procs) {
                proc.stop(Duration.ofSeconds(40));
            }
            bench.cluster.deleteAppTopics(appId);
        }
    }

    /** The records the restarted instance restored from changelogs (its restores that finished), from its log. */
    private static long restoredRecords(Proc proc) {
        long total = 0;
        for (String line : proc.linesContaining(RESTORED)) {
            java.util.regex.Matcher m = RESTORED_RECORDS.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    /** The services' logging (common-model's logback.xml) plus Kafka Streams' changelog restores, at INFO. */
    private java.nio.file.Path restoreLogging() {
        java.nio.file.Path file = bench.workDir.resolve("restart-logback.xml");
        try {
            java.nio.file.Files.writeString(file, """
                    <configuration>
                      <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="org.apache.kafka" level="WARN"/>
                      <logger name="org.apache.kafka.streams.KafkaStreams" level="INFO"/>
                      <logger name="org.apache.kafka.streams.processor.internals.StoreChangelogReader" level="INFO"/>
                      <logger name="org.eclipse.jetty" level="WARN"/>
                      <logger name="io.javalin" level="WARN"/>
                      <root level="INFO"><appender-ref ref="STDOUT"/></root>
                    </configuration>
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String clientId(String appId, int instance) {
        return appId + "-i" + instance;
    }

    /** The instance whose stream threads own the most repartition partitions (the stateful tasks). */
    private int activeStatefulOwner(String appId, int instances) {
        if (instances == 1) {
            return 0;
        }
        int[] owned = new int[instances];
        for (MemberDescription member : bench.cluster.members(appId)) {
            for (int i = 0; i < instances; i++) {
                if (member.clientId().startsWith(clientId(appId, i) + "-")) {
                    owned[i] += (int) member.assignment().topicPartitions().stream()
                            .filter(tp -> tp.topic().endsWith("-repartition")).count();
                }
            }
        }
        int best = 0;
        for (int i = 1; i < instances; i++) {
            if (owned[i] > owned[best]) {
                best = i;
            }
        }
        System.out.printf("  active stateful tasks per instance: %s; killing instance %d%n", java.util.Arrays.toString(owned), best);
        return best;
    }

    /** One customer id per repartition partition, the smallest from {@code from}. */
    private static List<Long> probeCustomers(long from) {
        Long[] chosen = new Long[PARTITIONS];
        int found = 0;
        for (long c = from; found < PARTITIONS; c++) {
            int partition = partitionOf(String.valueOf(c));
            if (chosen[partition] == null) {
                chosen[partition] = c;
                found++;
            }
        }
        return List.of(chosen);
    }

    /** The partition Kafka's default partitioner picks for a key. */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** Probe {@code i} goes to input partition {@code i}: every input and every stateful task sees one. */
    private static void sendProbes(KafkaProducer<String, String> producer, List<Long> customers) {
        for (int i = 0; i < customers.size(); i++) {
            long orderId = 900_000_000L + System.nanoTime() % 1_000_000;
            String value = "{\"order_id\":" + orderId + ",\"customer_id\":" + customers.get(i)
                    + ",\"amount\":10.00,\"product\":\"probe\",\"status\":\"paid\"}";
            producer.send(new ProducerRecord<>(Topics.ORDERS.name(), i % PARTITIONS, System.currentTimeMillis(),
                    String.valueOf(orderId), value));
        }
        producer.flush();
    }

    /** The generator's realistic orders, the n-th one for customer n: every customer 1..count once. */
    private static void sendOnePerCustomer(KafkaProducer<String, String> producer, int count) {
        GeneratorOptions options = GeneratorOptions.defaults(5).withCount(count);
        long customer = 1;
        long now = System.currentTimeMillis();
        for (GeneratedRecord record : new DataGenerator(options)) {
            if (!record.isOrderSlot()) {
                continue;
            }
            try {
                ObjectNode order = (ObjectNode) Json.MAPPER.readTree(record.value());
                order.put("customer_id", customer++);
                producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, now, record.key(),
                        Json.MAPPER.writeValueAsString(order)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        producer.flush();
    }

    /** Whether the instance on {@code port} answers 200 for every customer (from any partition). */
    private static boolean answersAll(HttpClient client, int port, List<Long> customers) {
        for (long customer : customers) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/customers/" + customer + "/stats"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 200) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return true;
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static String format(List<Double> seconds) {
        return seconds.stream().map(s -> String.format("%.1f s", s)).toList().toString();
    }

    /** Reads customer-stats read_committed from its end: each customer's latest count and when it arrived. */
    private static final class Totals implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Map<Long, long[]> latest = new ConcurrentHashMap<>(); // customer -> {count, nanos}
        private final Thread thread;
        private volatile boolean stop;

        Totals(String bootstrap) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            String topic = Topics.CUSTOMER_STATS.name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(this::run, "restart-totals");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (!stop) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    try {
                        JsonNode stats = Json.MAPPER.readTree(record.value());
                        latest.put(stats.get("customer_id").asLong(), new long[] {stats.get("count").asLong(), now});
                    } catch (IOException | RuntimeException e) {
                        // not a CustomerStats: not ours to judge here
                    }
                }
            }
        }

        boolean seenAll(List<Long> customers, long count) {
            return customers.stream().allMatch(c -> latest.containsKey(c) && latest.get(c)[0] >= count);
        }

        /** When each customer's latest totals arrived. */
        Map<Long, Long> arrivals(List<Long> customers) {
            Map<Long, Long> arrived = new HashMap<>();
            customers.forEach(c -> arrived.put(c, latest.get(c)[1]));
            return arrived;
        }

        Map<Long, Long> counts(List<Long> customers) {
            Map<Long, Long> counts = new LinkedHashMap<>();
            customers.forEach(c -> counts.put(c, latest.containsKey(c) ? latest.get(c)[0] : 0));
            return counts;
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
