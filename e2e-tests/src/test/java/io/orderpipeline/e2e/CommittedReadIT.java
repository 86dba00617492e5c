package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.common.Json;
import io.orderpipeline.launch.ServiceProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;

/**
 * HTTP answers show only committed state (issue 15): customer-stats from its jar, with
 * transactional state stores (the default) and a long commit interval, answers
 * {@code GET /customers/{id}/stats} over and over while orders flow; it is killed with
 * {@code kill -9} while a transaction is open whose outputs already run ahead of the committed
 * ones. Once the broker has aborted that transaction (its timeout), the committed state is what
 * {@code customer-stats} holds for a read_committed consumer. With {@code QUERY_ISOLATION}
 * at its default, read_committed, no answer given before the crash exceeds it, for any customer.
 * The control runs the same with {@code QUERY_ISOLATION=read_uncommitted}: there answers show
 * totals of the transaction the crash aborted.
 */
class CommittedReadIT {

    /** A transaction stays open for up to 8 s: the open one at the kill holds seconds of orders. */
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(8);
    /** After the kill the broker aborts the open transaction once this has passed (checked every 10 s). */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(180);
    /** Two customers per partition of orders (by the default partitioner of their order keys, spread anyway). */
    private static final List<Long> CUSTOMERS = List.of(101L, 102L, 103L, 104L, 105L, 106L);
    private static final BigDecimal AMOUNT = new BigDecimal("10.25");
    /** How far (in orders of one customer) the open transaction's outputs must run ahead of the committed ones at the kill. */
    private static final int AHEAD = 5;

    /** One HTTP answer: the customer's count and total as the service showed them. */
    record Answer(long customer, long count, BigDecimal total) {
    }

    /** A customer's latest count and total in {@code customer-stats}. */
    record Totals(long count, BigDecimal total) {
    }

    @Test
    void noAnswerBeforeACrashShowsMoreThanWasCommitted() throws Exception {
        Outcome outcome = crashWhileQuerying("read_committed");
        assertThat(outcome.answers).as("answers with orders counted").anySatisfy(a -> assertThat(a.count()).isPositive());
        assertThat(outcome.abortedAhead()).as("the crash aborted outputs ahead of the committed ones").isNotEmpty();
        for (Answer answer : outcome.answers) {
            Totals committed = outcome.committed.getOrDefault(answer.customer(), new Totals(0, BigDecimal.ZERO));
            assertThat(answer.count()).as("count of customer %d answered before the crash; committed %s", answer.customer(), committed)
                    .isLessThanOrEqualTo(committed.count());
            assertThat(answer.total()).as("total of customer %d answered before the crash; committed %s", answer.customer(), committed)
                    .isLessThanOrEqualTo(committed.total());
        }
    }

    /**
     * The control: reading uncommitted, answers given before the crash show totals of the transaction
     * it aborted (the kill comes when that transaction's outputs are {@link #AHEAD} orders ahead, and
     * the service is asked every few milliseconds, so this is seen every time).
     */
    @Test
    void readingUncommittedAnswersShowWhatTheCrashAborted() throws Exception {
        Outcome outcome = crashWhileQuerying("read_uncommitted");
        assertThat(outcome.abortedAhead()).as("the crash aborted outputs ahead of the committed ones").isNotEmpty();
        assertThat(outcome.aboveCommitted()).as("answers above the committed totals").isNotEmpty();
    }

    private record Outcome(List<Answer> answers, Map<Long, Totals> committed, Map<Long, Totals> uncommitted) {
        /** Customers whose outputs, aborted ones included, went past the committed ones. */
        Map<Long, String> abortedAhead() {
            Map<Long, String> ahead = new TreeMap<>();
            uncommitted.forEach((customer, totals) -> {
                Totals c = committed.getOrDefault(customer, new Totals(0, BigDecimal.ZERO));
                if (totals.count() > c.count()) {
                    ahead.put(customer, "committed " + c.count() + ", written and aborted up to " + totals.count());
                }
            });
            return ahead;
        }

        List<Answer> aboveCommitted() {
            return answers.stream().filter(a -> a.count() > committed.getOrDefault(a.customer(), new Totals(0, BigDecimal.ZERO)).count())
                    .toList();
        }
    }

    private Outcome crashWhileQuerying(String isolation) throws Exception {
        Map<String, String> env = ServiceProcess.env(
                "QUERY_ISOLATION", isolation,
                "KAFKA_COMMIT_INTERVAL_MS", String.valueOf(COMMIT_INTERVAL.toMillis()),
                "KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        try (Pipeline pipeline = new Pipeline("CommittedReadIT-" + isolation, env);
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            ServiceProcess stats = pipeline.service("customer-stats");
            int port = Integer.parseInt(stats.env().get("HTTP_PORT"));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            stats.start().awaitRunning(Pipeline.START_TIMEOUT);
            awaitReady(client, port, stats);

            AtomicBoolean running = new AtomicBoolean(true);
            // a thread each: the common pool runs one task at a time on 2 cores, and the asker would starve the writer
            ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
                Thread thread = new Thread(r, "committed-read-it");
                thread.setDaemon(true);
                return thread;
            });
            long[] orders = {0};
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    for (long customer : CUSTOMERS) {
                        long orderId = 1_000_000 + orders[0]++;
                        String value = "{\"order_id\":" + orderId + ",\"customer_id\":" + customer + ",\"amount\":" + AMOUNT
                                + ",\"product\":\"keyboard\",\"status\":\"paid\"}";
                        input.send(Expected.ORDERS, null, System.currentTimeMillis(), String.valueOf(orderId), value);
                    }
                    input.flush();
                    ServiceProcess.sleep(100);
                }
            }, threads);
            List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> asker = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    for (long customer : CUSTOMERS) {
                        Answer answer = ask(client, port, customer);
                        if (answer != null && running.get()) {
                            answers.add(answer);
                        }
                    }
                    ServiceProcess.sleep(10); // leave the 2 cores to the service between rounds
                }
            }, threads);

            // kill -9 once a transaction is open whose outputs run AHEAD orders past the committed ones
            // (after at least one commit, so that the committed state is not empty)
            long deadline = System.nanoTime() + WAIT.toNanos();
            String why;
            while ((why = aheadOfCommitted(pipeline)) == null) {
                if (System.nanoTime() > deadline) {
                    running.set(false);
                    throw new AssertionError("no open transaction " + AHEAD + " orders ahead of a commit within " + WAIT
                            + "; open transactions " + pipeline.reader().openTransactions("customer-stats")
                            + ", committed " + latest(pipeline, IsolationLevel.READ_COMMITTED)
                            + ", written " + latest(pipeline, IsolationLevel.READ_UNCOMMITTED) + ", " + orders[0] + " orders written, "
                            + answers.size() + " answers; service log:\n" + ServiceProcess.tail(stats.output(), 20));
                }
                ServiceProcess.sleep(100);
            }
            stats.kill();
            running.set(false);
            asker.get();
            writer.get();
            threads.shutdown();
            List<Answer> given = List.copyOf(answers);
            System.out.println("CommittedReadIT " + isolation + ": kill -9 of customer-stats with " + why + "; "
                    + given.size() + " answers before the crash, " + orders[0] + " orders written");

            // the broker aborts the killed instance's open transaction after its timeout
            deadline = System.nanoTime() + WAIT.toNanos();
            while (!pipeline.reader().openTransactions("customer-stats").isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the killed instance's transaction was not aborted within " + WAIT);
                }
                ServiceProcess.sleep(500);
            }
            Outcome outcome = new Outcome(given, latest(pipeline, IsolationLevel.READ_COMMITTED),
                    latest(pipeline, IsolationLevel.READ_UNCOMMITTED));
            Map<Long, Long> highestAnswer = new TreeMap<>();
            given.forEach(a -> highestAnswer.merge(a.customer(), a.count(), Math::max));
            System.out.println("CommittedReadIT " + isolation + ": committed " + outcome.committed() + "; written, aborted included, "
                    + outcome.uncommitted() + "; highest count answered per customer " + highestAnswer
                    + "; answers above the committed count: " + outcome.aboveCommitted().size());
            return outcome;
        }
    }

    /** A description of the open transaction if its outputs for some customer run AHEAD orders past the committed ones, else null. */
    private static String aheadOfCommitted(Pipeline pipeline) {
        if (pipeline.reader().openTransactions("customer-stats").isEmpty()) {
            return null;
        }
        Map<Long, Totals> committed = latest(pipeline, IsolationLevel.READ_COMMITTED);
        if (committed.isEmpty()) {
            return null;
        }
        Map<Long, Totals> written = latest(pipeline, IsolationLevel.READ_UNCOMMITTED);
        for (Map.Entry<Long, Totals> e : written.entrySet()) {
            long committedCount = committed.getOrDefault(e.getKey(), new Totals(0, BigDecimal.ZERO)).count();
            if (e.getValue().count() >= committedCount + AHEAD) {
                return "a transaction open; customer " + e.getKey() + " committed at count " + committedCount
                        + ", uncommitted outputs at " + e.getValue().count();
            }
        }
        return null;
    }

    /** Each customer's latest totals in {@code customer-stats} as a consumer with {@code isolation} reads them. */
    private static Map<Long, Totals> latest(Pipeline pipeline, IsolationLevel isolation) {
        Map<Long, Totals> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : pipeline.reader().readAll("customer-stats", isolation)) {
            JsonNode stats = parse(new String(record.value(), StandardCharsets.UTF_8));
            // counts only grow, whatever order the records of one customer are read in
            latest.merge(stats.get("customer_id").asLong(), new Totals(stats.get("count").asLong(), stats.get("total").decimalValue()),
                    (a, b) -> a.count() >= b.count() ? a : b);
        }
        return latest;
    }

    /** The customer's totals as the service answers them (count 0 for a 404), or null if it did not answer. */
    private static Answer ask(HttpClient client, int port, long customer) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/customers/" + customer + "/stats")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return new Answer(customer, 0, BigDecimal.ZERO);
            }
            if (response.statusCode() != 200) {
                return null; // 503 while rebalancing: no answer
            }
            JsonNode stats = parse(response.body());
            return new Answer(customer, stats.get("count").asLong(), stats.get("total").decimalValue());
        } catch (IOException e) {
            return null; // the process is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void awaitReady(HttpClient client, int port, ServiceProcess stats) throws InterruptedException {
        long deadline = System.nanoTime() + Pipeline.START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(stats + " not ready within " + Pipeline.START_TIMEOUT);
            }
            ServiceProcess.sleep(200);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
