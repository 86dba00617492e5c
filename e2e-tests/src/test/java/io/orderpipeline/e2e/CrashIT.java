package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.launch.ServiceProcess;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once under crashes (issue 7), after Kafka's own EOS system tests: while a steady,
 * deterministic stream of orders and customer updates flows, service processes are killed with
 * SIGKILL at seeded random moments (with a transaction open, while a window is closing, during a
 * state restore), one is frozen with SIGSTOP past its transaction timeout while a second instance
 * takes over (a zombie that must be fenced), the broker restarts, and one service loses its local
 * state. When everything is consumed: no output partition has an open transaction, and every
 * output read with read_committed is exactly what the input implies.
 *
 * <p>The negative control runs the same checker on an at_least_once run with kill -9 before any
 * commit and requires it to find the duplicates.
 */
class CrashIT {

    private static final long SEED = Long.getLong("crash.seed", 20261124L);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    private static final String STATS_CLIENT_ID = "crash-customer-stats";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private long start;

    @Test
    void exactlyOnceHoldsThroughKillsAZombieABrokerRestartAndLostState() throws Exception {
        Random random = new Random(SEED);
        Map<String, String> env = ServiceProcess.env(
                // a transaction stays open for 5 s: a kill at any moment almost surely hits one
                "KAFKA_COMMIT_INTERVAL_MS", "5000",
                "KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        try (Pipeline pipeline = new Pipeline("CrashIT", env, jvmOptionsWithRestoreLogging());
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            ServiceProcess enricherB = pipeline.extraInstance("order-enricher", "order-enricher-b");
            ServiceProcess stats = pipeline.replaceEnv("customer-stats", "KAFKA_CLIENT_ID", STATS_CLIENT_ID);
            pipeline.startAll();
            enricherB.start().awaitRunning(Pipeline.START_TIMEOUT);
            start = System.nanoTime();
            event("seed " + SEED + "; all services RUNNING, order-enricher with two instances");

            OrderStream stream = new OrderStream(input, Pipeline.PARTITIONS, SEED, 200);
            AtomicBoolean streaming = new AtomicBoolean(true);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (streaming.get()) {
                    stream.write(20);
                    input.flush();
                    ServiceProcess.sleep(200);
                }
            });
            ServiceProcess.sleep(3000 + random.nextInt(3000));

            // round 1: a kill with a transaction open, a random kill, a kill during a state restore
            killWhenTransactionOpen(pipeline, pipeline.service("order-filter"), "high-value-orders");
            pipeline.service("order-filter").start();
            ServiceProcess.sleep(random.nextInt(2000));
            kill(pipeline.service("customer-join"), "at a random moment");
            pipeline.service("customer-join").start();
            ServiceProcess.sleep(random.nextInt(3000));
            kill(stats, "at a random moment");
            killDuringRestore(pipeline, stats, random);
            stats.start();
            waitRunning(pipeline, enricherB);

            // round 2: a window closing, a zombie, lost local state
            ServiceProcess.sleep(1000 + random.nextInt(3000));
            killWhenTransactionOpen(pipeline, pipeline.service("product-revenue"), "product-revenue-hourly");
            pipeline.service("product-revenue").start();
            zombie(pipeline, pipeline.service("order-enricher"), enricherB, "enriched-orders");
            ServiceProcess join = pipeline.service("customer-join");
            kill(join, "to delete its local state");
            Pipeline.deleteRecursively(pipeline.stateDir("customer-join"));
            event("deleted customer-join's state dir " + pipeline.stateDir("customer-join"));
            join.start();
            waitRunning(pipeline, enricherB);

            // round 3: the broker restarts under everything
            ServiceProcess.sleep(1000 + random.nextInt(3000));
            event("restarting the broker");
            pipeline.broker().restart();
            event("broker restarted");
            ServiceProcess.sleep(10_000);
            restartDeadOnes(pipeline, enricherB);
            waitRunning(pipeline, enricherB);

            // round 4: every process killed at random moments, then all started again
            List<ServiceProcess> all = new ArrayList<>(pipeline.services());
            all.add(enricherB);
            Collections.shuffle(all, random);
            for (ServiceProcess process : all) {
                ServiceProcess.sleep(random.nextInt(1500));
                kill(process, "at a random moment (round 4)");
            }
            all.forEach(ServiceProcess::start);
            waitRunning(pipeline, enricherB);

            ServiceProcess.sleep(3000 + random.nextInt(3000));
            streaming.set(false);
            writer.get();
            event("input stopped after " + stream.orders() + " orders");
            restartDeadOnes(pipeline, enricherB);
            RestartIT.flushWindows(pipeline, stream, input);
            event("every group has consumed everything");
            localStateSummary(pipeline);

            events.forEach(System.out::println);
            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), PipelineIT.RULES);
            System.out.println("Coverage: " + expected.coverage());
            System.out.println(expected.revenueSummary());
            PipelineIT.assertNoOpenTransactions(pipeline);
            PipelineIT.printDeadLetterVisibility(pipeline);
            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(System.out::println);
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertThat(expected.coverage("final windows")).isPositive();
            assertThat(expected.coverage("alerts")).isPositive();
        }
    }

    /**
     * Negative control: at_least_once, a commit interval longer than the test, kill -9 of every
     * service after it has written its outputs for the first orders and before any commit. The
     * restarted services process those orders again; the checker must report the duplicates.
     */
    @Test
    void theSameCheckerFindsTheDuplicatesOfAtLeastOnce() throws Exception {
        Map<String, String> env = ServiceProcess.env("PROCESSING_GUARANTEE", "at_least_once", "KAFKA_COMMIT_INTERVAL_MS", "600000");
        try (Pipeline pipeline = new Pipeline("CrashIT-at-least-once", env);
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            pipeline.startAll();
            OrderStream stream = new OrderStream(input, Pipeline.PARTITIONS, SEED, 200);
            stream.write(400);
            input.flush();
            Expected before = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), PipelineIT.RULES);
            int valid = before.coverage("valid orders");
            for (String topic : List.of("enriched-orders", "customer-stats", "customer-enriched-orders")) {
                awaitRecords(pipeline, topic, valid);
            }
            awaitRecords(pipeline, "high-value-orders", before.coverage("high-value orders"));
            awaitRecords(pipeline, pipeline.deadLetterTopic("order-filter"), before.coverage("bad orders"));
            for (ServiceProcess service : pipeline.services()) {
                kill(service, "before its first commit (at_least_once)");
            }
            // started again committing often, so that the end of the input can be awaited
            for (ServiceProcess service : pipeline.services()) {
                pipeline.replaceEnv(service.name(), "KAFKA_COMMIT_INTERVAL_MS", "100");
            }
            pipeline.services().forEach(ServiceProcess::start);
            pipeline.services().forEach(s -> s.awaitRunning(Pipeline.START_TIMEOUT));
            stream.write(100);
            input.flush();
            RestartIT.flushWindows(pipeline, stream, input);

            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), PipelineIT.RULES);
            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(r -> System.out.println(r.output() + ": expected " + r.expected() + ", got " + r.actual()
                    + ", duplicates " + r.duplicates() + ", problems " + r.problems().size()));
            events.forEach(System.out::println);
            assertThat(results).filteredOn(r -> List.of("high-value-orders", "enriched-orders", "customer-stats",
                            "customer-enriched-orders", "order-filter dead letters").contains(r.output()))
                    .allSatisfy(r -> assertThat(r.duplicates()).as(r.toString()).isPositive());
        }
    }

    // ---- the faults ----

    private void kill(ServiceProcess process, String when) {
        process.kill();
        event("kill -9 " + process.name() + " (" + process.log().getFileName() + ") " + when);
    }

    /** kill -9 as soon as a transaction of the service is open on {@code topic}: its writes there are uncommitted. */
    private void killWhenTransactionOpen(Pipeline pipeline, ServiceProcess process, String topic) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<?, String> open;
        while ((open = pipeline.reader().openTransactions(topic)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No open transaction on " + topic + " within " + WAIT);
            }
            ServiceProcess.sleep(50);
        }
        kill(process, "with a transaction open on " + topic + " " + open);
    }

    /**
     * Starts the killed service with its restore consumer throttled by a broker quota (so the restore
     * takes seconds), kills it again as soon as it logs that a changelog restore started, and says
     * whether any restore had finished by then.
     */
    private void killDuringRestore(Pipeline pipeline, ServiceProcess process, Random random) throws Exception {
        quota(pipeline, 20_000.0);
        try {
            long mark = process.logPosition();
            process.start();
            process.awaitLog(WAIT, "Start restoring changelog partition");
            ServiceProcess.sleep(random.nextInt(300));
            process.kill();
            String log = process.output();
            String finished = log.contains("Finished restoring") ? "one changelog had finished restoring, others had not"
                    : "no changelog had finished restoring";
            event("kill -9 " + process.name() + " during its state restore (" + finished + ")");
        } finally {
            quota(pipeline, null);
        }
    }

    /** A consumer byte-rate quota on the service's restore consumer (null removes it). */
    private static void quota(Pipeline pipeline, Double bytesPerSecond) throws ExecutionException, InterruptedException {
        List<ClientQuotaAlteration> alterations = new ArrayList<>();
        for (String thread : List.of("-StreamThread-1", "-StateUpdater-1")) {
            ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, STATS_CLIENT_ID + thread + "-restore-consumer"));
            alterations.add(new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", bytesPerSecond))));
        }
        pipeline.reader().admin().alterClientQuotas(alterations).all().get();
    }

    /**
     * SIGSTOP the instance while it has a transaction open on {@code topic}, keep it frozen past its
     * transaction timeout and session timeout (the other instance takes its tasks, the coordinator
     * aborts its transaction), then SIGCONT: a zombie whose late writes must be fenced.
     */
    private void zombie(Pipeline pipeline, ServiceProcess process, ServiceProcess other, String topic) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pipeline.reader().openTransactions(topic).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No open transaction on " + topic + " within " + WAIT);
            }
            ServiceProcess.sleep(50);
        }
        long otherMark = other.logPosition();
        long mark = process.logPosition();
        process.pause();
        event("SIGSTOP " + process.name() + " with a transaction open on " + topic);
        ServiceProcess.sleep(TRANSACTION_TIMEOUT.toMillis() + 15_000);
        boolean takenOver = other.logSince(otherMark).contains(ServiceProcess.APP_RUNNING);
        process.resume();
        event("SIGCONT " + process.name() + " after " + (TRANSACTION_TIMEOUT.toSeconds() + 15) + " s; the other instance "
                + (takenOver ? "rebalanced and ran meanwhile" : "did NOT log a rebalance meanwhile"));
        process.awaitLog(mark, WAIT, "ProducerFencedException", "InvalidProducerEpochException", "is being fenced");
        String log = process.logSince(mark);
        event("the zombie was fenced: " + List.of("ProducerFencedException", "InvalidProducerEpochException",
                "TaskMigratedException", "is being fenced").stream().filter(log::contains).toList());
    }

    /** A service that died on its own (not killed by the test) is recorded and started again. */
    private void restartDeadOnes(Pipeline pipeline, ServiceProcess... extras) {
        List<ServiceProcess> all = new ArrayList<>(pipeline.services());
        all.addAll(List.of(extras));
        for (ServiceProcess process : all) {
            if (!process.isAlive()) {
                event("UNEXPECTED: " + process.name() + " (" + process.log().getFileName() + ") had exited by itself; last lines:\n"
                        + ServiceProcess.tail(process.output(), 15));
                process.start();
            }
        }
    }

    private void waitRunning(Pipeline pipeline, ServiceProcess... extras) {
        restartDeadOnes(pipeline, extras);
        List<ServiceProcess> all = new ArrayList<>(pipeline.services());
        all.addAll(List.of(extras));
        for (ServiceProcess process : all) {
            if (process.isAlive()) {
                process.awaitRunning(Pipeline.START_TIMEOUT);
            }
        }
        event("all RUNNING");
    }

    private static void awaitRecords(Pipeline pipeline, String topic, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pipeline.reader().readAll(topic).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " did not reach " + count + " records within " + WAIT);
            }
            ServiceProcess.sleep(500);
        }
    }

    /**
     * What the stateful services' restarts did with their local state, from their logs (whole test):
     * transactional state stores on or off, how many times Kafka Streams wiped a task's state as
     * possibly holding uncommitted data, and how many changelog records it restored in all.
     */
    private void localStateSummary(Pipeline pipeline) {
        for (String service : List.of("customer-stats", "product-revenue", "customer-join")) {
            String log = pipeline.service(service).logSince(0);
            java.util.regex.Matcher restored = java.util.regex.Pattern.compile("with a total number of (\\d+) records").matcher(log);
            long records = 0;
            while (restored.find()) {
                records += Long.parseLong(restored.group(1));
            }
            java.util.regex.Matcher tx = java.util.regex.Pattern.compile("enable\\.transactional\\.statestores = (\\w+)").matcher(log);
            event(String.format("%s: transactional state stores %s; runs %d; task state wiped as possibly uncommitted %d times;"
                            + " %,d changelog records restored", service, tx.find() ? tx.group(1) : "?",
                    log.split("Starting " + service + " with configuration", -1).length - 1,
                    log.split("wipe out the local state", -1).length - 1, records));
        }
    }

    private void event(String what) {
        long seconds = start == 0 ? 0 : Duration.ofNanos(System.nanoTime() - start).toSeconds();
        events.add(String.format("%s +%3ds %s", Instant.now(), seconds, what));
    }

    private static List<String> jvmOptionsWithRestoreLogging() throws URISyntaxException {
        List<String> options = new ArrayList<>(Pipeline.JVM_OPTIONS);
        Path config = Path.of(CrashIT.class.getResource("/service-logback.xml").toURI());
        options.add("-Dlogback.configurationFile=" + config);
        return options;
    }
}
