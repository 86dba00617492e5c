package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.orderpipeline.common.Services;
import io.orderpipeline.launch.ServiceProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 on the real broker: every class of hostile input ({@link HostileDataSet}) sent to the
 * five jars. Checks that (a) every service that reads orders puts exactly the same records in its
 * dead-letter topic, bytes unchanged, with a reason in {@code __streams.errors.message} (the same
 * reason in every service), read with read_committed; (b) the services keep processing: the valid
 * orders written after the hostile ones come out of every output, and every output is exactly what
 * the input implies ({@link Expected}, which judges validity by CONTRACT.md on its own parser);
 * (c) every record of every output topic is strict JSON with each name once; (d) product-revenue's
 * current hour stays exact ({@code GET /stats/{product}} and {@code GET /revenue?at=}), although
 * one valid order stamped 50 minutes ahead (a producer whose clock runs fast) came before the
 * on-time orders in their partition. Stamped 50 minutes ahead, that order falls in the current hour
 * (then, let through, it would add to it) or in the next (then it would move its partition's event
 * time past the hour's end + grace, and the on-time orders after it would be late): either way the
 * hour shows it. With the services' bound raised to an hour (MAX_TIMESTAMP_AHEAD_SECONDS=3600, run
 * by hand on 2026-12-02) this test fails as it should: the order in every output, one dead letter
 * fewer in each service, and the hour 1000.00 too high.
 */
class HostileInputIT {

    /** The services' bound on how far ahead of their clock a record may be stamped (their default, set here explicitly). */
    private static final Duration MAX_AHEAD = Duration.ofMinutes(5);
    private static final Expected.Rules RULES = PipelineIT.RULES.withMaxAhead(MAX_AHEAD);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final Duration HTTP_WAIT = Duration.ofSeconds(30);
    private static final String MESSAGE = "__streams.errors.message";
    private static final String[] AFTER_AMOUNTS = {"12.34", "0.01", "250.50", "750.25"};
    /** A strict reader of the outputs, apart from the oracle's: each name once, nothing after the value. */
    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(100_000).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    @Test
    void everyServiceRejectsTheSameHostileRecordsAndKeepsItsOutputsExact() {
        try (Pipeline pipeline = new Pipeline("HostileInputIT", Map.of("MAX_TIMESTAMP_AHEAD_SECONDS", String.valueOf(MAX_AHEAD.toSeconds())));
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            pipeline.startAll();
            long start = System.currentTimeMillis();
            long hour = Math.floorDiv(start, HOUR) * HOUR;
            // the on-time instant of every order not stamped ahead: now, in the current hour
            long onTime = Math.max(hour, start - 2000);
            Map<String, Long> writtenAt = new HashMap<>();

            // customers first, stamped 10 minutes before the orders (the ones ahead: ahead of their write)
            List<HostileDataSet.Case> customers = HostileDataSet.customers();
            long now = System.currentTimeMillis();
            for (HostileDataSet.Case c : customers) {
                input.send(Expected.CUSTOMERS, null, c.aheadMs() == 0 ? onTime - 10 * MINUTE : now + c.aheadMs(), utf8(c.key()), c.value());
            }
            remember(input.flush(), now, writtenAt);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            // the hostile orders, spread over the partitions; the one 50 minutes ahead in partition 0
            List<HostileDataSet.Case> orders = HostileDataSet.orders();
            List<HostileDataSet.Case> slightlyAhead = orders.stream().filter(c -> c.valid() && c.aheadMs() > 0).toList();
            now = System.currentTimeMillis();
            int spread = 0;
            for (HostileDataSet.Case c : orders) {
                if (slightlyAhead.contains(c)) {
                    continue; // written last: an order ahead but within the bound moves its partition's event time
                }
                int partition = c.partition() != null ? c.partition() : spread++ % Pipeline.PARTITIONS;
                input.send(Expected.ORDERS, partition, c.aheadMs() == 0 ? onTime : now + c.aheadMs(), utf8(c.key()), c.value());
            }
            remember(input.flush(), now, writtenAt);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            // then plain valid orders of the checked product in every partition, for every customer id written
            List<Long> customerIds = HostileDataSet.customerIds();
            List<String> afterIds = new ArrayList<>();
            BigDecimal onTimeRevenue = BigDecimal.ZERO;
            now = System.currentTimeMillis();
            for (int p = 0; p < Pipeline.PARTITIONS; p++) {
                for (int j = 0; j < AFTER_AMOUNTS.length; j++) {
                    long id = 9000 + p * 10L + j;
                    long customer = customerIds.get((AFTER_AMOUNTS.length * p + j) % customerIds.size());
                    input.send(Expected.ORDERS, p, onTime, String.valueOf(id), "{\"order_id\":" + id + ",\"customer_id\":" + customer
                            + ",\"amount\":" + AFTER_AMOUNTS[j] + ",\"product\":\"" + HostileDataSet.REVENUE_PRODUCT + "\",\"status\":\"paid\"}");
                    afterIds.add(String.valueOf(id));
                    onTimeRevenue = onTimeRevenue.add(new BigDecimal(AFTER_AMOUNTS[j]));
                }
            }
            for (HostileDataSet.Case c : slightlyAhead) {
                input.send(Expected.ORDERS, 1, now + c.aheadMs(), utf8(c.key()), c.value());
            }
            remember(input.flush(), now, writtenAt);
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), RULES,
                    r -> Objects.requireNonNull(writtenAt.get(position(r)), () -> "no write time for " + r));
            System.out.println("Data set coverage: " + expected.coverage());
            System.out.println(expected.revenueSummary());
            // the oracle judges each case as the data set says the contract does
            assertThat(expected.coverage("bad orders")).as("bad orders by the oracle")
                    .isEqualTo(orders.stream().filter(c -> !c.valid()).count());
            assertThat(expected.coverage("bad customers")).as("bad customers by the oracle")
                    .isEqualTo(customers.stream().filter(c -> !c.valid()).count());
            assertThat(expected.coverage("valid orders stamped too far ahead of their write time")).isEqualTo(1);
            assertThat(expected.coverage("customers stamped too far ahead of their write time")).isEqualTo(2);
            assertThat(expected.coverage("valid orders stamped ahead of their write time, within the bound")).isEqualTo(1);
            Expected.WindowTotal checked = expected.windowTotals(hour).get(HostileDataSet.REVENUE_PRODUCT);
            assertThat(checked).as("the oracle's current hour of " + HostileDataSet.REVENUE_PRODUCT).isNotNull();
            assertThat(checked.revenue()).as("the oracle's current hour: the on-time orders only").isEqualByComparingTo(onTimeRevenue);
            assertThat(checked.orders()).isEqualTo(afterIds.size());

            List<String> problems = new ArrayList<>();
            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(System.out::println);
            results.stream().filter(r -> !r.ok()).forEach(r -> problems.add(r.toString()));
            problems.addAll(checkDeadLetterReasons(pipeline, orders, customers));
            problems.addAll(checkOrdersAfter(pipeline, afterIds));
            problems.addAll(checkHighValueBytes(pipeline, input.written(Expected.ORDERS), writtenAt));
            problems.addAll(checkStrictJson(pipeline));
            problems.addAll(checkCurrentHour(pipeline, expected, hour));
            PipelineIT.printDeadLetterVisibility(pipeline);
            problems.forEach(p -> System.out.println("PROBLEM: " + p));
            assertThat(problems).isEmpty();
            PipelineIT.assertNoOpenTransactions(pipeline);
        }
    }

    /**
     * (a) Every dead letter has a reason; the five services dead-letter the same orders (by their
     * position in orders) with the same reason; the far-ahead records say so.
     */
    private static List<String> checkDeadLetterReasons(Pipeline pipeline, List<HostileDataSet.Case> orders,
            List<HostileDataSet.Case> customers) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> reasons = new LinkedHashMap<>();
        for (String service : Services.NAMES) {
            Map<String, String> byPosition = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : pipeline.reader().readAll(pipeline.deadLetterTopic(service))) {
                String position = header(r, "__streams.errors.topic") + "-" + header(r, "__streams.errors.partition") + "@"
                        + header(r, "__streams.errors.offset");
                String message = header(r, MESSAGE);
                if (message == null || message.isBlank()) {
                    problems.add(service + ": dead letter of " + position + " without " + MESSAGE + " (value " + printable(r.value()) + ")");
                } else if (!message.toLowerCase(java.util.Locale.ROOT).contains("invalid")) {
                    problems.add(service + ": dead letter of " + position + " with a reason that does not say it is invalid: " + message);
                }
                if (byPosition.put(position, message) != null) {
                    problems.add(service + ": " + position + " dead-lettered twice");
                }
            }
            reasons.put(service, byPosition);
        }
        Map<String, String> filter = ordersOnly(reasons.get("order-filter"));
        for (String service : Services.NAMES) {
            Map<String, String> own = ordersOnly(reasons.get(service));
            if (!own.keySet().equals(filter.keySet())) {
                problems.add(service + " dead-letters other orders than order-filter: " + diff(own.keySet(), filter.keySet()));
            }
            own.forEach((position, message) -> {
                if (filter.containsKey(position) && !Objects.equals(sameReason(message), sameReason(filter.get(position)))) {
                    problems.add(service + " gives " + position + " another reason than order-filter: '" + message + "' vs '"
                            + filter.get(position) + "'");
                }
            });
        }
        long customersDeadLettered = reasons.get("customer-join").keySet().stream().filter(p -> p.startsWith(Expected.CUSTOMERS + "-")).count();
        System.out.println("Dead letters: " + filter.size() + " orders in each service (" + orders.stream().filter(c -> !c.valid()).count()
                + " hostile orders invalid by the data set), " + customersDeadLettered + " customers in customer-join ("
                + customers.stream().filter(c -> !c.valid()).count() + " invalid by the data set)");
        reasons.get("customer-join").forEach((position, message) -> System.out.println("  " + position + ": " + message));
        for (String service : Services.NAMES) {
            Map<String, String> own = reasons.get(service);
            long ordersAhead = own.entrySet().stream().filter(e -> e.getKey().startsWith(Expected.ORDERS + "-") && aheadReason(e.getValue())).count();
            long customersAhead = own.entrySet().stream().filter(e -> e.getKey().startsWith(Expected.CUSTOMERS + "-") && aheadReason(e.getValue()))
                    .count();
            long wantCustomers = service.equals("customer-join") ? 2 : 0;
            if (ordersAhead != 1 || customersAhead != wantCustomers) {
                problems.add(service + ": " + ordersAhead + " orders and " + customersAhead + " customers dead-lettered as 'ahead of the wall clock',"
                        + " expected 1 and " + wantCustomers + " (stamped 50 minutes ahead: an order; a customer and a deletion)");
            }
        }
        return problems;
    }

    /** A reason without what differs between instances by design: the reading instance's wall clock, and so how far ahead of it. */
    private static String sameReason(String message) {
        return message == null ? null
                : message.replaceAll("is -?\\d+ ms ahead of the wall clock \\S+", "is (some) ms ahead of the wall clock (of the reader)");
    }

    private static boolean aheadReason(String message) {
        return message != null && message.contains("ahead of the wall clock");
    }

    private static Map<String, String> ordersOnly(Map<String, String> byPosition) {
        Map<String, String> orders = new TreeMap<>();
        byPosition.forEach((position, message) -> {
            if (position.startsWith(Expected.ORDERS + "-")) {
                orders.put(position, message);
            }
        });
        return orders;
    }

    private static String diff(java.util.Set<String> own, java.util.Set<String> reference) {
        List<String> extra = own.stream().filter(p -> !reference.contains(p)).toList();
        List<String> missing = reference.stream().filter(p -> !own.contains(p)).toList();
        return "more " + extra + ", fewer " + missing;
    }

    /** (b) The plain orders written after the hostile ones, in the order-keyed outputs. */
    private static List<String> checkOrdersAfter(Pipeline pipeline, List<String> afterIds) {
        List<String> problems = new ArrayList<>();
        for (String topic : List.of("enriched-orders", "customer-enriched-orders", "high-value-orders")) {
            List<String> seen = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : pipeline.reader().readAll(topic)) {
                JsonNode value = strict(r.value());
                if (value != null && value.has("order_id")) {
                    seen.add(value.get("order_id").asText());
                }
            }
            List<String> want = topic.equals("high-value-orders")
                    ? afterIds.stream().filter(id -> new BigDecimal(AFTER_AMOUNTS[Integer.parseInt(id) % 10]).compareTo(BigDecimal.valueOf(100)) > 0)
                            .toList()
                    : afterIds;
            List<String> missing = want.stream().filter(id -> !seen.contains(id)).toList();
            System.out.println(topic + ": " + (want.size() - missing.size()) + " of the " + want.size() + " orders written after the hostile ones");
            if (!missing.isEmpty()) {
                problems.add(topic + " lacks the orders written after the hostile ones: " + missing);
            }
        }
        return problems;
    }

    /**
     * "Value unchanged" is literal: the values of high-value-orders are the bytes of the valid input
     * orders with amount > 100 (not stamped too far ahead), each once.
     */
    private static List<String> checkHighValueBytes(Pipeline pipeline, List<InputRecord> written, Map<String, Long> writtenAt) {
        Map<String, Integer> want = new TreeMap<>();
        for (InputRecord r : written) {
            JsonNode order = Expected.validOrder(r.value());
            boolean ahead = r.timestamp() > writtenAt.get(position(r)) + MAX_AHEAD.toMillis();
            if (order != null && !ahead && order.get("amount").decimalValue().compareTo(BigDecimal.valueOf(100)) > 0) {
                want.merge(Base64.getEncoder().encodeToString(r.value()), 1, Integer::sum);
            }
        }
        Map<String, Integer> got = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : pipeline.reader().readAll("high-value-orders")) {
            got.merge(Base64.getEncoder().encodeToString(r.value()), 1, Integer::sum);
        }
        System.out.println("high-value-orders: " + got.values().stream().mapToInt(Integer::intValue).sum() + " values, expected the bytes of "
                + want.values().stream().mapToInt(Integer::intValue).sum() + " input orders");
        return want.equals(got) ? List.of()
                : List.of("high-value-orders: values are not the input orders' bytes, each once: expected (base64) " + want + ", got " + got);
    }

    /** (c) Every record of every output topic: well-formed UTF-8, one JSON value, each name once. */
    private static List<String> checkStrictJson(Pipeline pipeline) {
        List<String> problems = new ArrayList<>();
        for (String topic : PipelineIT.OUTPUTS) {
            List<ConsumerRecord<byte[], byte[]>> records = pipeline.reader().readAll(topic);
            int bad = 0;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String why = strictProblem(r.value());
                if (why != null) {
                    bad++;
                    if (bad <= 5) {
                        problems.add(topic + " " + r.partition() + "@" + r.offset() + " is not strict JSON (" + why + "): "
                                + printable(r.value()));
                    }
                }
            }
            System.out.println(topic + ": " + records.size() + " records, " + (records.size() - bad) + " strict JSON with each name once");
            if (bad > 5) {
                problems.add(topic + ": " + (bad - 5) + " more records that are not strict JSON");
            }
        }
        return problems;
    }

    /**
     * (d) The current hour of product-revenue: {@code GET /stats/{product}} (the window holding now)
     * and {@code GET /revenue?at=} (every product of it) equal the on-time valid orders of the hour.
     */
    private static List<String> checkCurrentHour(Pipeline pipeline, Expected expected, long hour) {
        List<String> problems = new ArrayList<>();
        String base = "http://localhost:" + pipeline.service("product-revenue").env().get("HTTP_PORT");
        Map<String, Expected.WindowTotal> want = expected.windowTotals(hour);
        BigDecimal wantRevenue = want.get(HostileDataSet.REVENUE_PRODUCT).revenue();
        String windowStart = Instant.ofEpochMilli(hour).toString();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + HTTP_WAIT.toNanos();
        String last = null;
        boolean exact = false;
        while (!exact && System.nanoTime() < deadline) {
            last = get(http, base + "/stats/" + HostileDataSet.REVENUE_PRODUCT);
            JsonNode answer = strict(last == null ? null : utf8(last));
            if (answer != null && answer.path("window_start").isTextual()
                    && !Instant.parse(answer.get("window_start").textValue()).equals(Instant.ofEpochMilli(hour))) {
                // the hour turned while the test ran: ask for the hour the orders were stamped in
                System.out.println("The hour turned during the test (" + last + "); asking for " + windowStart);
                last = get(http, base + "/stats/" + HostileDataSet.REVENUE_PRODUCT + "?at=" + windowStart);
                answer = strict(last == null ? null : utf8(last));
            }
            exact = answer != null && answer.path("hourly_revenue").isNumber()
                    && answer.get("hourly_revenue").decimalValue().compareTo(wantRevenue) == 0
                    && windowStart.equals(Instant.parse(answer.path("window_start").asText("1970-01-01T00:00:00Z")).toString());
            if (!exact) {
                ServiceProcess.sleep(500);
            }
        }
        System.out.println("GET /stats/" + HostileDataSet.REVENUE_PRODUCT + ": " + last + " (expected hourly_revenue " + wantRevenue.toPlainString()
                + " for " + windowStart + ")");
        if (!exact) {
            problems.add("GET /stats/" + HostileDataSet.REVENUE_PRODUCT + " answered " + last + " within " + HTTP_WAIT + ", expected hourly_revenue "
                    + wantRevenue.toPlainString() + " in the window starting " + windowStart);
        }
        String all = get(http, base + "/revenue?at=" + windowStart);
        JsonNode products = strict(all == null ? null : utf8(all));
        Map<String, String> got = new TreeMap<>();
        if (products != null) {
            products.path("products").forEach(p -> got.put(p.path("product").asText(),
                    number(p.path("revenue").decimalValue()) + " in " + p.path("orders").asText()));
        }
        Map<String, String> wanted = new TreeMap<>();
        want.forEach((product, total) -> wanted.put(product, number(total.revenue()) + " in " + total.orders()));
        System.out.println("GET /revenue?at=" + windowStart + ": " + got.size() + " products, expected " + wanted.size());
        if (!got.equals(wanted)) {
            Map<String, String> differences = new TreeMap<>();
            wanted.forEach((p, w) -> {
                if (!w.equals(got.get(p))) {
                    differences.put(abbreviate(p), "expected " + w + ", got " + got.get(p));
                }
            });
            got.forEach((p, g) -> {
                if (!wanted.containsKey(p)) {
                    differences.put(abbreviate(p), "unexpected " + g);
                }
            });
            problems.add("GET /revenue?at=" + windowStart + " differs from the on-time valid orders of the hour: " + differences);
        }
        return problems;
    }

    private static String get(HttpClient http, String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() == 200 ? response.body() : "HTTP " + response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode strict(byte[] value) {
        return strictProblem(value) == null ? readStrict(value) : null;
    }

    private static String strictProblem(byte[] value) {
        if (value == null) {
            return "null value";
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            return "not well-formed UTF-8";
        }
        try {
            JsonNode node = STRICT.readTree(value);
            return node == null || node.isMissingNode() ? "empty" : null;
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            return message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message;
        }
    }

    private static JsonNode readStrict(byte[] value) {
        try {
            return STRICT.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private static void remember(List<InputRecord> flushed, long writtenAt, Map<String, Long> times) {
        flushed.forEach(r -> times.put(position(r), writtenAt));
    }

    private static String position(InputRecord r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String number(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...(" + s.length() + " chars)";
    }

    private static String printable(byte[] b) {
        if (b == null) {
            return "null";
        }
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + b.length + " bytes)";
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
