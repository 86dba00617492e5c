package io.orderpipeline.e2e;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.launch.ClusterReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What every output topic must contain, computed from the exact input records by the contract's
 * rules (CONTRACT.md), independently of the services' code (its own JSON validation, its own
 * arithmetic), and the checks that compare the outputs read with read_committed against it.
 *
 * <p>A valid input record, as CONTRACT.md's "Additions" define it (2026-12-02), checked here on
 * this class's own parser: well-formed UTF-8 without a byte order mark; one standard JSON value,
 * each name once in every object, at most {@value #MAX_DEPTH} levels of nesting, numbers of at most
 * {@value #MAX_NUMBER_DIGITS} digits; the fields' types and bounds (amount: at most
 * {@value #MAX_INTEGER_DIGITS} digits before the point and {@value #MAX_DECIMAL_PLACES} places, as
 * written with the exponent applied; texts at most {@value #MAX_TEXT_LENGTH} UTF-16 units, no
 * unpaired surrogate, no control character in a product); and a timestamp at most
 * {@link Rules#maxAhead()} ahead of the time the record was written (the services compare it with
 * their wall clock when they read it, which is later: the tests keep clear margins, e.g. 50 minutes
 * ahead against a bound of 5).
 *
 * <p>Deterministic parts are compared as multisets of canonical JSON (object fields sorted,
 * numbers by value), so a duplicate, a loss or a changed value each shows. Output records are read
 * with the same strict parser: one with a name twice (or not JSON) matches nothing. Two parts depend
 * on the order in which a service interleaves input partitions and are checked for what must hold
 * in any order: a customer's running totals must count 1, 2, 3... and step by exactly that
 * customer's order amounts, each once; an alert must be the stats record where the total first
 * exceeds the threshold.
 *
 * <p>product-revenue keeps event time per partition of {@code orders} (the highest timestamp of
 * the valid orders read from it so far; bad records never reach it): an order is late when its
 * window's end + grace is at or behind its own partition's event time, and goes to
 * {@code product-revenue-late}; a window is final once every partition's event time has passed
 * its end + grace (idleness is switched off in the tests, see {@link Pipeline}). That depends only
 * on each partition's own record order, so the expected output is the same however the service
 * interleaves the partitions, and orders of one product may come from any partition.
 */
public final class Expected {

    public static final String ORDERS = "orders";
    public static final String CUSTOMERS = "customers";
    public static final String UNKNOWN = "Unknown";
    /** The bounds of a valid input record (CONTRACT.md, Additions), restated here rather than taken from common-model. */
    public static final int MAX_INTEGER_DIGITS = 15;
    public static final int MAX_DECIMAL_PLACES = 8;
    public static final int MAX_TEXT_LENGTH = 200;
    public static final int MAX_DEPTH = 16;
    public static final int MAX_NUMBER_DIGITS = 1000;
    /** The services' default MAX_TIMESTAMP_AHEAD_SECONDS (300), which the tests' pipelines keep. */
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofMinutes(5);
    private static final Set<String> ORDER_FIELDS = Set.of("order_id", "customer_id", "amount", "product", "status");
    /** A customer key: the decimal text of a long as Long.toString writes it (range checked apart). */
    private static final Pattern CUSTOMER_KEY = Pattern.compile("0|-?[1-9][0-9]{0,18}");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final BigDecimal HIGH = new BigDecimal("100");
    private static final BigDecimal REVIEW = new BigDecimal("500");
    public static final String REVENUE_LATE = "product-revenue-late";
    /** The headers product-revenue adds to a late order, and the reason it gives (CONTRACT.md). */
    public static final String LATE_REASON = "late.reason";
    public static final String LATE_WINDOW_START = "late.window.start";
    public static final String LATE_WINDOW_END = "late.window.end";
    public static final String LATE_BY_MS = "late.by.ms";
    public static final String LATE_IN_PARTITION = "late in its partition of orders";
    private static final List<String> INSTANT_HEADERS = List.of(LATE_WINDOW_START, LATE_WINDOW_END);
    /**
     * Its own parser, the services' mapper is not used: each name once in an object
     * (STRICT_DUPLICATE_DETECTION), nothing after the value, decimals exact as written (no trailing
     * zeros stripped: {@code 1.000000000} has 9 places). Its length and depth limits are far above
     * the contract's, so the contract's are counted here ({@link #validJson}), not left to Jackson.
     */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(10_000_000).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    /**
     * The rules' parameters, as the services are configured.
     *
     * @param maxAhead how far ahead of its write time a record's timestamp may be (MAX_TIMESTAMP_AHEAD_SECONDS)
     */
    public record Rules(BigDecimal alertThreshold, Duration grace, int partitions, Duration maxAhead) {
        public static Rules of(long alertThreshold, Duration grace, int partitions) {
            return new Rules(BigDecimal.valueOf(alertThreshold), grace, partitions, DEFAULT_MAX_AHEAD);
        }

        public Rules withMaxAhead(Duration maxAhead) {
            return new Rules(alertThreshold, grace, partitions, maxAhead);
        }
    }

    /** One output's comparison: empty {@code problems} means exact. */
    public record Result(String output, int expected, int actual, int duplicates, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(output + ": expected " + expected + " records, got " + actual
                    + (duplicates > 0 ? ", " + duplicates + " duplicates" : "") + (ok() ? ", exact" : ""));
            problems.stream().limit(25).forEach(p -> s.append("\n    ").append(p));
            if (problems.size() > 25) {
                s.append("\n    ... ").append(problems.size() - 25).append(" more");
            }
            return s.toString();
        }
    }

    /** What product-revenue holds for one product in one window: the sum of its counted orders and how many. */
    public record WindowTotal(BigDecimal revenue, long orders) {
    }

    private final Rules rules;
    private final ToLongFunction<InputRecord> writtenAt;
    private final List<String> highValueOrders = new ArrayList<>();
    private final List<String> enrichedOrders = new ArrayList<>();
    private final List<String> customerEnrichedOrders = new ArrayList<>();
    private final List<String> hourly = new ArrayList<>();
    private final List<String> lateOrders = new ArrayList<>();
    private final Revenue revenue;
    private final Map<String, List<BigDecimal>> amountsByCustomer = new TreeMap<>();
    private final List<String> badOrders = new ArrayList<>();
    private final List<String> badCustomers = new ArrayList<>();
    private final Map<String, Integer> coverage = new TreeMap<>();

    private Expected(Rules rules, ToLongFunction<InputRecord> writtenAt) {
        this.rules = rules;
        this.writtenAt = writtenAt;
        this.revenue = new Revenue(rules.partitions());
    }

    /**
     * As {@link #from(List, List, Rules, ToLongFunction)}, every record taken as written now (when
     * this is called): right for data stamped in the past, as every test's but HostileInputIT's is.
     */
    public static Expected from(List<InputRecord> orders, List<InputRecord> customers, Rules rules) {
        long now = System.currentTimeMillis();
        return from(orders, customers, rules, r -> now);
    }

    /**
     * @param orders every record written to {@code orders}, in write order
     * @param customers every record written to {@code customers}, in write order
     * @param writtenAt when each record was written (epoch millis; at or before any service read
     *        it): a record stamped more than {@link Rules#maxAhead()} after it is not valid
     */
    public static Expected from(List<InputRecord> orders, List<InputRecord> customers, Rules rules,
            ToLongFunction<InputRecord> writtenAt) {
        Expected e = new Expected(rules, writtenAt);
        Map<String, TreeMap<Long, JsonNode>> history = e.customerHistory(customers);
        for (InputRecord r : orders) {
            JsonNode order = validOrder(r.value());
            boolean ahead = e.tooFarAhead(r);
            if (order == null || ahead) {
                e.badOrders.add(deadLetter(r.key(), r.value(), r.topic(), r.partition(), r.offset(), true));
                e.count("bad orders");
                if (order != null) {
                    e.count("valid orders stamped too far ahead of their write time");
                }
                e.revenue.badRecord(r);
                continue;
            }
            e.count("valid orders");
            if (r.timestamp() > e.writtenAt.applyAsLong(r)) {
                e.count("valid orders stamped ahead of their write time, within the bound");
            }
            if (r.key() == null) {
                e.count("valid orders without key");
            }
            if (!order.has("status") || order.get("status").isNull()) {
                e.count("valid orders without status");
            }
            BigDecimal amount = order.get("amount").decimalValue();
            String key = r.keyString();
            if (amount.compareTo(HIGH) > 0) {
                e.highValueOrders.add(entry(key, order));
                e.count("high-value orders");
            }
            ObjectNode enriched = orderFields(order);
            // the service's own fields win over input fields of the same name (CONTRACT.md): put replaces
            enriched.put("amount_tier", amount.compareTo(HIGH) > 0 ? "high" : "standard");
            enriched.put("needs_review", amount.compareTo(REVIEW) > 0);
            e.enrichedOrders.add(entry(key, enriched));
            if (amount.compareTo(REVIEW) > 0) {
                e.count("orders needing review");
            }
            String customerId = order.get("customer_id").asText();
            e.amountsByCustomer.computeIfAbsent(customerId, c -> new ArrayList<>()).add(amount);
            e.customerEnrichedOrders.add(entry(customerId, e.joined(order, customerId, r.timestamp(), history)));
            e.revenueOrder(r, order);
        }
        e.closeWindows();
        e.amountsByCustomer.values().forEach(amounts -> {
            BigDecimal total = amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            if (total.compareTo(rules.alertThreshold()) > 0) {
                e.count("alerts");
            } else if (total.compareTo(rules.alertThreshold()) == 0) {
                e.count("customers exactly at the threshold");
            }
        });
        return e;
    }

    /**
     * The order's fields as enriched-orders and customer-enriched-orders write them: every field of
     * the input with its JSON value, except {@code "status": null}, which is no status (CONTRACT.md:
     * "absent or null") and is written as absent, as an absent one stays absent.
     */
    private static ObjectNode orderFields(JsonNode order) {
        ObjectNode fields = order.deepCopy();
        if (fields.has("status") && fields.get("status").isNull()) {
            fields.remove("status");
        }
        return fields;
    }

    private boolean tooFarAhead(InputRecord r) {
        long written = writtenAt.applyAsLong(r);
        long maxAhead = rules.maxAhead().toMillis();
        return written <= Long.MAX_VALUE - maxAhead && r.timestamp() > written + maxAhead;
    }

    // ---- input validity, by the contract, on its own parser ----

    /** The order as JSON when its value is valid by the contract (the timestamp aside), else null. */
    static JsonNode validOrder(byte[] value) {
        JsonNode node = validJson(value);
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode amount = node.get("amount");
        JsonNode product = node.get("product");
        boolean valid = isLong(node.get("order_id")) && isLong(node.get("customer_id"))
                && amount != null && amount.isNumber() && isMoney(amount.decimalValue())
                && isText(product) && !product.textValue().isBlank() && !hasControlCharacter(product.textValue())
                && isOptionalText(node.get("status"));
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); valid && it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            valid = ORDER_FIELDS.contains(field.getKey()) || writableInFull(field.getValue());
        }
        return valid ? node : null;
    }

    /** The customer as JSON when its value is valid, else null; a tombstone and the key are the caller's. */
    static JsonNode validCustomer(byte[] value) {
        JsonNode node = validJson(value);
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode name = node.get("name");
        boolean valid = isLong(node.get("customer_id"))
                && isText(name) && !name.textValue().isBlank()
                && isOptionalText(node.get("segment")) && isOptionalText(node.get("country"));
        return valid ? node : null;
    }

    /** A customer key: present, the decimal text of a long without sign '+', leading zeros or "-0". */
    static boolean validCustomerKey(byte[] key) {
        String text = utf8(key);
        return text != null && CUSTOMER_KEY.matcher(text).matches() && new BigInteger(text).compareTo(LONG_MIN) >= 0
                && new BigInteger(text).compareTo(LONG_MAX) <= 0;
    }

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong();
    }

    /** A money amount: >= 0 ({@code -0} is 0), digits before the point and places counted as written, exponent applied. */
    static boolean isMoney(BigDecimal amount) {
        long integerDigits = (long) amount.precision() - amount.scale();
        return amount.signum() >= 0 && integerDigits <= MAX_INTEGER_DIGITS && amount.scale() <= MAX_DECIMAL_PLACES;
    }

    private static boolean isText(JsonNode n) {
        return n != null && n.isTextual() && n.textValue().length() <= MAX_TEXT_LENGTH && !hasUnpairedSurrogate(n.textValue());
    }

    private static boolean isOptionalText(JsonNode n) {
        return n == null || n.isNull() || isText(n);
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** C0 controls, DEL and C1 controls: U+0000-U+001F, U+007F-U+009F. */
    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(c -> c <= 0x1F || (c >= 0x7F && c <= 0x9F));
    }

    /** Every number in an unknown field has at most {@value #MAX_NUMBER_DIGITS} digits written out in full (no exponent). */
    private static boolean writableInFull(JsonNode n) {
        if (n.isNumber()) {
            BigDecimal d = n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : n.decimalValue();
            long digits = Math.max((long) d.precision() - d.scale(), 1) + Math.max(d.scale(), 0);
            return digits <= MAX_NUMBER_DIGITS;
        }
        for (JsonNode child : n) {
            if (!writableInFull(child)) {
                return false;
            }
        }
        return true;
    }

    /**
     * An input value as JSON when it is one standard JSON value in well-formed UTF-8 (no byte order
     * mark), each name once, at most {@value #MAX_DEPTH} levels deep (the value itself is level 1),
     * no number of more than {@value #MAX_NUMBER_DIGITS} digits as written; else null.
     */
    static JsonNode validJson(byte[] value) {
        String text = utf8(value);
        if (text == null || text.startsWith("\uFEFF")) {
            return null;
        }
        try (JsonParser p = JSON.createParser(text)) {
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (++depth > MAX_DEPTH) {
                        return null;
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t.isNumeric() && p.getText().chars().filter(Character::isDigit).count() > MAX_NUMBER_DIGITS) {
                    return null;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return parse(value);
    }

    /**
     * A value as JSON if it is strictly JSON (well-formed UTF-8 without a byte order mark, one value,
     * each name once in every object), else null: how inputs are read and outputs are checked.
     */
    static JsonNode parse(byte[] value) {
        String text = utf8(value);
        if (text == null || text.startsWith("\uFEFF")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    /** The text of well-formed UTF-8 bytes (no overlong forms, encoded surrogates or code points past U+10FFFF), else null. */
    private static String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- customer-join: the customer as of the order's timestamp ----

    private Map<String, TreeMap<Long, JsonNode>> customerHistory(List<InputRecord> customers) {
        Map<String, TreeMap<Long, JsonNode>> history = new HashMap<>();
        for (InputRecord r : customers) {
            JsonNode customer = r.value() == null ? JSON.nullNode() : validCustomer(r.value());
            if (customer == null || !validCustomerKey(r.key()) || tooFarAhead(r)) {
                badCustomers.add(deadLetter(r.key(), r.value(), r.topic(), r.partition(), r.offset(), true));
                count("bad customers");
                if (customer != null && validCustomerKey(r.key())) {
                    count("customers stamped too far ahead of their write time");
                }
            } else if (customer.isNull()) {
                history.computeIfAbsent(r.keyString(), k -> new TreeMap<>()).put(r.timestamp(), customer);
                count("customer deletions");
            } else {
                history.computeIfAbsent(r.keyString(), k -> new TreeMap<>()).put(r.timestamp(), customer);
                count("customer versions");
            }
        }
        return history;
    }

    private JsonNode joined(JsonNode order, String customerId, long timestamp, Map<String, TreeMap<Long, JsonNode>> history) {
        TreeMap<Long, JsonNode> versions = history.get(customerId);
        Map.Entry<Long, JsonNode> asOf = versions == null ? null : versions.floorEntry(timestamp);
        JsonNode customer = asOf == null || asOf.getValue().isNull() ? null : asOf.getValue();
        if (customer == null) {
            count(versions == null ? "joins with a customer never seen" : asOf == null
                    ? "joins before the customer's first version" : "joins after a deletion");
        } else {
            count(versions.firstKey() < asOf.getKey() ? "joins with an updated customer" : "joins with a customer's first version");
        }
        ObjectNode out = orderFields(order);
        out.put("customer_name", customer == null ? UNKNOWN : customer.get("name").textValue());
        out.put("customer_segment", text(customer, "segment"));
        out.put("country", text(customer, "country"));
        return out;
    }

    private static String text(JsonNode customer, String field) {
        return customer == null || !customer.hasNonNull(field) ? UNKNOWN : customer.get(field).textValue();
    }

    // ---- product-revenue: event time per partition of orders, windows final at the low watermark ----

    private record Window(String product, long start) {
    }

    /** product-revenue's state as the rules define it, fed the valid orders in each partition's order. */
    private static final class Revenue {
        /** Per partition of orders: the highest timestamp of its valid orders so far (MIN_VALUE: none yet). */
        final long[] eventTime;
        /** Per partition: the highest timestamp of its bad records, which must not move its event time. */
        final long[] badTime;
        /** Per partition: the offset of the last record seen, to make sure each partition is fed in its own order. */
        final long[] lastOffset;
        final Map<Window, BigDecimal[]> windows = new TreeMap<>(
                Comparator.comparingLong(Window::start).thenComparing(Window::product));
        long validOrders;
        long lateOrders;
        long finalOrders;
        long openOrders;
        long lowWatermark = Long.MIN_VALUE;
        String summary = "";

        Revenue(int partitions) {
            eventTime = new long[partitions];
            badTime = new long[partitions];
            lastOffset = new long[partitions];
            Arrays.fill(eventTime, Long.MIN_VALUE);
            Arrays.fill(badTime, Long.MIN_VALUE);
            Arrays.fill(lastOffset, -1);
        }

        void badRecord(InputRecord r) {
            int p = checkedPartition(r);
            badTime[p] = Math.max(badTime[p], r.timestamp());
        }

        int checkedPartition(InputRecord r) {
            if (r.partition() < 0 || r.partition() >= eventTime.length) {
                throw new IllegalArgumentException(r + " is in partition " + r.partition() + " but the rules say orders has "
                        + eventTime.length + " partitions");
            }
            if (r.offset() <= lastOffset[r.partition()]) {
                throw new IllegalArgumentException(r + " comes after offset " + lastOffset[r.partition()]
                        + " of its partition: the orders must be in each partition's offset order (write order)");
            }
            lastOffset[r.partition()] = r.offset();
            return r.partition();
        }

        /** The highest event time of the partitions other than {@code p}. */
        long othersAhead(int p) {
            long max = Long.MIN_VALUE;
            for (int q = 0; q < eventTime.length; q++) {
                if (q != p) {
                    max = Math.max(max, eventTime[q]);
                }
            }
            return max;
        }
    }

    private void revenueOrder(InputRecord r, JsonNode order) {
        int p = revenue.checkedPartition(r);
        long grace = rules.grace().toMillis();
        long timestamp = r.timestamp();
        long othersAhead = revenue.othersAhead(p);
        long time = Math.max(revenue.eventTime[p], timestamp);
        revenue.eventTime[p] = time;
        revenue.validOrders++;
        long start = Math.floorDiv(timestamp, HOUR) * HOUR;
        long close = start + HOUR + grace;
        String product = order.get("product").textValue();
        if (close <= time) {
            lateOrders.add(lateEntry(product, r.value(), r.headers().stream()
                    .map(h -> new String[] {h.key(), h.value() == null ? null : string(h.value())}).toList(),
                    LATE_IN_PARTITION, start, time - close));
            revenue.lateOrders++;
            count("late orders (to product-revenue-late)");
            return;
        }
        if (timestamp < time && start + HOUR <= time) {
            count("late orders within grace");
        }
        if (close <= othersAhead) {
            count("orders on time in their partition while another is past their window's end + grace");
        }
        if (close <= Math.max(time, revenue.badTime[p])) {
            count("orders on time only because bad records do not move event time");
        }
        BigDecimal[] totals = revenue.windows.computeIfAbsent(new Window(product, start), w -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        totals[0] = totals[0].add(order.get("amount").decimalValue());
        totals[1] = totals[1].add(BigDecimal.ONE);
    }

    /**
     * Final: the windows whose end + grace is at or behind the low watermark, the lowest final event
     * time over every partition of orders; a partition without a valid order never reports an event
     * time, so then no window is final. Every other window is still open (emitted later, or never).
     */
    private void closeWindows() {
        long grace = rules.grace().toMillis();
        List<Integer> silent = new ArrayList<>();
        long low = Long.MAX_VALUE;
        for (int p = 0; p < revenue.eventTime.length; p++) {
            if (revenue.eventTime[p] == Long.MIN_VALUE) {
                silent.add(p);
            }
            low = Math.min(low, revenue.eventTime[p]);
        }
        revenue.lowWatermark = silent.isEmpty() ? low : Long.MIN_VALUE;
        if (!silent.isEmpty()) {
            count("partitions of orders without a valid order (no window closes)");
        }
        for (Map.Entry<Window, BigDecimal[]> w : revenue.windows.entrySet()) {
            long orders = w.getValue()[1].longValueExact();
            if (silent.isEmpty() && w.getKey().start() + HOUR + grace <= revenue.lowWatermark) {
                ObjectNode value = JSON.createObjectNode();
                value.put("product", w.getKey().product());
                value.put("window_start", Instant.ofEpochMilli(w.getKey().start()).toString());
                value.put("window_end", Instant.ofEpochMilli(w.getKey().start() + HOUR).toString());
                value.put("revenue", w.getValue()[0]);
                value.put("orders", w.getValue()[1]);
                hourly.add(entry(w.getKey().product(), value));
                revenue.finalOrders += orders;
                count("final windows");
            } else {
                revenue.openOrders += orders;
                count("windows still open");
            }
        }
        if (revenue.finalOrders + revenue.lateOrders + revenue.openOrders != revenue.validOrders) {
            throw new IllegalStateException("oracle bug: " + revenue.finalOrders + " orders in final windows + " + revenue.lateOrders
                    + " late + " + revenue.openOrders + " in open windows != " + revenue.validOrders + " valid orders");
        }
        StringBuilder s = new StringBuilder("product-revenue: event time per partition of orders {");
        for (int p = 0; p < revenue.eventTime.length; p++) {
            s.append(p == 0 ? "" : ", ").append(p).append('=')
                    .append(revenue.eventTime[p] == Long.MIN_VALUE ? "none (no valid order)" : Instant.ofEpochMilli(revenue.eventTime[p]));
        }
        s.append("}; low watermark ").append(silent.isEmpty() ? Instant.ofEpochMilli(revenue.lowWatermark)
                : "none: partitions " + silent + " never report an event time, so no window closes");
        s.append("; ").append(revenue.validOrders).append(" valid orders = ").append(revenue.finalOrders).append(" in ")
                .append(hourly.size()).append(" final windows + ").append(revenue.lateOrders).append(" late + ")
                .append(revenue.openOrders).append(" in ").append(revenue.windows.size() - hourly.size()).append(" windows still open");
        revenue.summary = s.toString();
    }

    /** The event times, the low watermark and how the valid orders split into final, late and still open. */
    public String revenueSummary() {
        return revenue.summary;
    }

    public long validOrders() {
        return revenue.validOrders;
    }

    /** Orders in the windows that must be final (emitted on product-revenue-hourly). */
    public long ordersInFinalWindows() {
        return revenue.finalOrders;
    }

    /** Orders in windows that are not final yet: in product-revenue's store, on no output topic. */
    public long ordersInOpenWindows() {
        return revenue.openOrders;
    }

    public long lateOrders() {
        return revenue.lateOrders;
    }

    public int finalWindows() {
        return hourly.size();
    }

    public int openWindows() {
        return revenue.windows.size() - hourly.size();
    }

    /**
     * Per product, the orders counted in the window starting at {@code windowStart} (final or still
     * open; late ones are not counted): what {@code GET /stats/{product}?at=} and {@code GET /revenue?at=} answer.
     */
    public Map<String, WindowTotal> windowTotals(long windowStart) {
        Map<String, WindowTotal> totals = new TreeMap<>();
        revenue.windows.forEach((w, t) -> {
            if (w.start() == windowStart) {
                totals.put(w.product(), new WindowTotal(t[0], t[1].longValueExact()));
            }
        });
        return totals;
    }

    /**
     * A record of product-revenue-late: key, value bytes, and every header (the order's own and the
     * four product-revenue adds), sorted, the window instants normalized.
     */
    private static String lateEntry(String key, byte[] value, List<String[]> ownHeaders, String reason, long windowStart, long lateBy) {
        List<String[]> headers = new ArrayList<>(ownHeaders);
        headers.add(new String[] {LATE_REASON, reason});
        headers.add(new String[] {LATE_WINDOW_START, Instant.ofEpochMilli(windowStart).toString()});
        headers.add(new String[] {LATE_WINDOW_END, Instant.ofEpochMilli(windowStart + HOUR).toString()});
        headers.add(new String[] {LATE_BY_MS, Long.toString(lateBy)});
        return lateEntry(key, value, headers);
    }

    private static String lateEntry(String key, byte[] value, List<String[]> headers) {
        List<String> sorted = new ArrayList<>();
        for (String[] h : headers) {
            String v = h[1];
            if (v != null && INSTANT_HEADERS.contains(h[0])) {
                try {
                    v = Instant.parse(v).toString();
                } catch (DateTimeParseException e) {
                    // left as it is: it will not match
                }
            }
            sorted.add(quote(h[0]) + ":" + quote(v));
        }
        Collections.sort(sorted);
        return "key=" + quote(key) + " value=" + bytes(value) + " headers=" + sorted;
    }

    // ---- the checks ----

    public Result checkHighValueOrders(List<ConsumerRecord<byte[], byte[]>> actual) {
        return multiset("high-value-orders", highValueOrders, canonical(actual, Function.identity()));
    }

    public Result checkEnrichedOrders(List<ConsumerRecord<byte[], byte[]>> actual) {
        return multiset("enriched-orders", enrichedOrders, canonical(actual, Function.identity()));
    }

    public Result checkCustomerEnrichedOrders(List<ConsumerRecord<byte[], byte[]>> actual) {
        return multiset("customer-enriched-orders", customerEnrichedOrders, canonical(actual, Function.identity()));
    }

    public Result checkProductRevenueHourly(List<ConsumerRecord<byte[], byte[]>> actual) {
        return multiset("product-revenue-hourly", hourly, canonical(actual, Expected::normalizeInstants));
    }

    /** Each late order once, key the product, value its bytes as read, its own headers and the four late.* headers. */
    public Result checkProductRevenueLate(List<ConsumerRecord<byte[], byte[]>> actual) {
        List<String> got = actual.stream().map(r -> lateEntry(string(r.key()), r.value(),
                Arrays.stream(r.headers().toArray()).map(h -> new String[] {h.key(), h.value() == null ? null : string(h.value())})
                        .toList())).toList();
        return multiset(REVENUE_LATE, lateOrders, got);
    }

    /**
     * Every valid order accounted for once: the order counts of the final windows read, plus the
     * records on product-revenue-late (a late order is one; a late partial sum counts its
     * {@code orders}), plus the orders the rules leave in windows still open, must be the number of
     * valid orders.
     */
    public Result checkProductRevenueReconciliation(List<ConsumerRecord<byte[], byte[]>> hourlyRead,
            List<ConsumerRecord<byte[], byte[]>> lateRead) {
        List<String> problems = new ArrayList<>();
        long inFinal = 0;
        for (ConsumerRecord<byte[], byte[]> r : hourlyRead) {
            JsonNode value = parse(r.value());
            if (value == null || !isLong(value.get("orders"))) {
                problems.add("product-revenue-hourly " + r.partition() + "@" + r.offset() + " has no integer orders: " + string(r.value()));
            } else {
                inFinal += value.get("orders").longValue();
            }
        }
        long late = 0;
        for (ConsumerRecord<byte[], byte[]> r : lateRead) {
            if (LATE_IN_PARTITION.equals(header(r, LATE_REASON))) {
                late++;
                continue;
            }
            JsonNode value = parse(r.value());
            if (value == null || !isLong(value.get("orders"))) {
                problems.add(REVENUE_LATE + " " + r.partition() + "@" + r.offset() + " (late.reason " + header(r, LATE_REASON)
                        + ") is neither a late order nor a partial sum with integer orders: " + string(r.value()));
            } else {
                late += value.get("orders").longValue();
            }
        }
        long total = inFinal + late + revenue.openOrders;
        if (total != revenue.validOrders) {
            problems.add(inFinal + " orders in the final windows read + " + late + " late orders read + " + revenue.openOrders
                    + " orders in windows still open = " + total + ", but there are " + revenue.validOrders + " valid orders"
                    + " (expected " + revenue.finalOrders + " + " + revenue.lateOrders + " + " + revenue.openOrders + ")");
        }
        return new Result("product-revenue orders (final + late + still open)", (int) revenue.validOrders, (int) total,
                (int) Math.max(0, total - revenue.validOrders), problems);
    }

    /** Each bad input record of the service's inputs exactly once, bytes unchanged, with its source and a reason. */
    public Result checkDeadLetters(String service, List<ConsumerRecord<byte[], byte[]>> actual) {
        List<String> expected = new ArrayList<>(badOrders);
        if (service.equals("customer-join")) {
            expected.addAll(badCustomers);
        }
        List<String> got = actual.stream().map(r -> deadLetter(r.key(), r.value(), header(r, "__streams.errors.topic"),
                parseInt(header(r, "__streams.errors.partition")), parseLong(header(r, "__streams.errors.offset")),
                header(r, "__streams.errors.message") != null || header(r, "__streams.errors.exception") != null)).toList();
        return multiset(service + " dead letters", expected, got);
    }

    /**
     * customer-stats: per customer, counts 1, 2, ... n in offset order, each total the previous plus
     * one of the customer's order amounts, every amount used once, exact decimals.
     */
    public Result checkCustomerStats(List<ConsumerRecord<byte[], byte[]>> actual) {
        List<String> problems = new ArrayList<>();
        int duplicates = 0;
        Map<String, List<JsonNode>> byCustomer = statsByCustomer(actual, problems);
        Set<String> customers = new TreeSet<>(amountsByCustomer.keySet());
        customers.addAll(byCustomer.keySet());
        for (String customer : customers) {
            List<BigDecimal> amounts = amountsByCustomer.getOrDefault(customer, List.of());
            List<JsonNode> updates = byCustomer.getOrDefault(customer, List.of());
            long previousCount = 0;
            BigDecimal previousTotal = BigDecimal.ZERO;
            List<String> steps = new ArrayList<>();
            for (JsonNode update : updates) {
                long count = update.path("count").asLong(-1);
                BigDecimal total = update.path("total").isNumber() ? update.get("total").decimalValue() : null;
                if (!update.path("customer_id").asText().equals(customer) || !update.path("count").isIntegralNumber() || total == null) {
                    problems.add("customer " + customer + ": malformed stats " + update);
                    continue;
                }
                if (count != previousCount + 1) {
                    problems.add("customer " + customer + ": count " + previousCount + " -> " + count + " (" + update + ")");
                }
                steps.add(number(total.subtract(previousTotal)));
                previousCount = count;
                previousTotal = total;
            }
            if (updates.size() > amounts.size()) {
                duplicates += updates.size() - amounts.size();
                problems.add("customer " + customer + ": " + updates.size() + " updates for " + amounts.size()
                        + " orders (" + (updates.size() - amounts.size()) + " duplicates)");
            } else if (updates.size() < amounts.size()) {
                problems.add("customer " + customer + ": " + updates.size() + " updates for " + amounts.size() + " orders (lost)");
            }
            Result amountSteps = multiset("customer " + customer + " steps", amounts.stream().map(Expected::number).toList(), steps);
            if (!amountSteps.ok() && updates.size() == amounts.size()) {
                problems.add("customer " + customer + ": totals do not step by the order amounts: " + amountSteps.problems());
            }
        }
        int expected = amountsByCustomer.values().stream().mapToInt(List::size).sum();
        return new Result("customer-stats", expected, actual.size(), duplicates, problems);
    }

    /**
     * customer-alerts: one alert per customer whose total ends above the threshold, equal to the
     * stats record where the total first went over it; none for the others.
     */
    public Result checkCustomerAlerts(List<ConsumerRecord<byte[], byte[]>> actual, List<ConsumerRecord<byte[], byte[]>> stats) {
        List<String> problems = new ArrayList<>();
        int duplicates = 0;
        Map<String, List<JsonNode>> statsByCustomer = statsByCustomer(stats, new ArrayList<>());
        Map<String, List<JsonNode>> alerts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : actual) {
            alerts.computeIfAbsent(string(r.key()), k -> new ArrayList<>()).add(parse(r.value()));
        }
        int expected = 0;
        Set<String> customers = new TreeSet<>(amountsByCustomer.keySet());
        customers.addAll(alerts.keySet());
        for (String customer : customers) {
            BigDecimal total = amountsByCustomer.getOrDefault(customer, List.of()).stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            boolean crosses = total.compareTo(rules.alertThreshold()) > 0;
            List<JsonNode> got = alerts.getOrDefault(customer, List.of());
            expected += crosses ? 1 : 0;
            if (!crosses) {
                got.forEach(a -> problems.add("customer " + customer + " (total " + number(total) + "): unexpected alert " + a));
                continue;
            }
            if (got.isEmpty()) {
                problems.add("customer " + customer + " (total " + number(total) + "): no alert");
                continue;
            }
            if (got.size() > 1) {
                duplicates += got.size() - 1;
                problems.add("customer " + customer + ": " + got.size() + " alerts " + got);
            }
            JsonNode crossing = statsByCustomer.getOrDefault(customer, List.of()).stream()
                    .filter(s -> s.path("total").isNumber() && s.get("total").decimalValue().compareTo(rules.alertThreshold()) > 0)
                    .findFirst().orElse(null);
            ObjectNode want = JSON.createObjectNode();
            want.put("customer_id", Long.parseLong(customer));
            want.set("count", crossing == null ? null : crossing.get("count"));
            want.set("total", crossing == null ? null : crossing.get("total"));
            want.put("threshold", rules.alertThreshold());
            if (!canonical(got.get(0)).equals(canonical(want))) {
                problems.add("customer " + customer + ": alert " + got.get(0) + ", expected " + want
                        + " (the stats record where the total first exceeds the threshold)");
            }
        }
        return new Result("customer-alerts", expected, actual.size(), duplicates, problems);
    }

    private static Map<String, List<JsonNode>> statsByCustomer(List<ConsumerRecord<byte[], byte[]>> actual, List<String> problems) {
        Map<String, List<JsonNode>> byCustomer = new TreeMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : actual) {
            String key = string(r.key());
            Integer before = partitionOf.putIfAbsent(key, r.partition());
            if (before != null && before != r.partition()) {
                problems.add("customer " + key + ": stats in partitions " + before + " and " + r.partition());
            }
            JsonNode value = parse(r.value());
            byCustomer.computeIfAbsent(key, k -> new ArrayList<>()).add(value == null ? JSON.nullNode() : value);
        }
        return byCustomer;
    }

    /** Every output checked; keys are output names, dead-letter topics found by {@code deadLetterTopic(service)}. */
    public List<Result> checkAll(ClusterReader reader, Function<String, String> deadLetterTopic) {
        List<ConsumerRecord<byte[], byte[]>> stats = reader.readAll("customer-stats");
        List<Result> results = new ArrayList<>();
        results.add(checkHighValueOrders(reader.readAll("high-value-orders")));
        results.add(checkEnrichedOrders(reader.readAll("enriched-orders")));
        results.add(checkCustomerStats(stats));
        results.add(checkCustomerAlerts(reader.readAll("customer-alerts"), stats));
        List<ConsumerRecord<byte[], byte[]>> hourlyRead = reader.readAll("product-revenue-hourly");
        List<ConsumerRecord<byte[], byte[]>> lateRead = reader.readAll(REVENUE_LATE);
        results.add(checkProductRevenueHourly(hourlyRead));
        results.add(checkProductRevenueLate(lateRead));
        results.add(checkProductRevenueReconciliation(hourlyRead, lateRead));
        results.add(checkCustomerEnrichedOrders(reader.readAll("customer-enriched-orders")));
        for (String service : List.of("order-filter", "order-enricher", "customer-stats", "product-revenue", "customer-join")) {
            results.add(checkDeadLetters(service, reader.readAll(deadLetterTopic.apply(service))));
        }
        return results;
    }

    /** How many input records exercise each rule: for asserting a data set covers what it claims. */
    public Map<String, Integer> coverage() {
        return Map.copyOf(coverage);
    }

    public int coverage(String what) {
        return coverage.getOrDefault(what, 0);
    }

    private void count(String what) {
        coverage.merge(what, 1, Integer::sum);
    }

    // ---- canonical forms and the multiset comparison ----

    private static Result multiset(String output, List<String> expected, List<String> actual) {
        Map<String, Integer> want = counts(expected);
        Map<String, Integer> got = counts(actual);
        Set<String> all = new TreeSet<>(want.keySet());
        all.addAll(got.keySet());
        List<String> problems = new ArrayList<>();
        int duplicates = 0;
        for (String s : all) {
            int w = want.getOrDefault(s, 0);
            int g = got.getOrDefault(s, 0);
            if (g > w && w > 0) {
                duplicates += g - w;
                problems.add("duplicate (" + g + " times, expected " + w + "): " + s);
            } else if (g > w) {
                problems.add("unexpected" + (g > 1 ? " (" + g + " times)" : "") + ": " + s);
            } else if (g < w) {
                problems.add("missing" + (w - g > 1 ? " (" + (w - g) + " of " + w + ")" : "") + ": " + s);
            }
        }
        return new Result(output, expected.size(), actual.size(), duplicates, problems);
    }

    private static Map<String, Integer> counts(Collection<String> items) {
        Map<String, Integer> counts = new HashMap<>();
        items.forEach(s -> counts.merge(s, 1, Integer::sum));
        return counts;
    }

    private static List<String> canonical(List<ConsumerRecord<byte[], byte[]>> records, Function<JsonNode, JsonNode> normalize) {
        return records.stream().map(r -> {
            JsonNode value = parse(r.value());
            return value == null ? "key=" + quote(string(r.key())) + " value(not JSON)=" + quote(string(r.value()))
                    : entry(string(r.key()), normalize.apply(value));
        }).toList();
    }

    private static JsonNode normalizeInstants(JsonNode value) {
        if (!value.isObject()) {
            return value;
        }
        ObjectNode copy = value.deepCopy();
        for (String field : List.of("window_start", "window_end")) {
            if (copy.path(field).isTextual()) {
                try {
                    copy.put(field, Instant.parse(copy.get(field).textValue()).toString());
                } catch (DateTimeParseException e) {
                    // left as it is: it will not match
                }
            }
        }
        return copy;
    }

    private static String entry(String key, JsonNode value) {
        return "key=" + quote(key) + " value=" + canonical(value);
    }

    private static String deadLetter(byte[] key, byte[] value, String topic, Integer partition, Long offset, boolean reason) {
        return topic + "-" + partition + "@" + offset + " key=" + bytes(key) + " value=" + bytes(value)
                + (reason ? "" : " WITHOUT an error message or exception header");
    }

    private static String bytes(byte[] b) {
        return b == null ? "null" : quote(string(b)) + "(base64 " + Base64.getEncoder().encodeToString(b) + ")";
    }

    /** JSON with object fields sorted and numbers by value (0.30 and 0.3 alike). */
    static String canonical(JsonNode n) {
        StringBuilder s = new StringBuilder();
        write(n, s);
        return s.toString();
    }

    private static void write(JsonNode n, StringBuilder s) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            s.append("null");
        } else if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                fields.put(f.getKey(), f.getValue());
            }
            s.append('{');
            fields.forEach((name, value) -> {
                s.append(quote(name)).append(':');
                write(value, s);
                s.append(',');
            });
            if (!fields.isEmpty()) {
                s.setLength(s.length() - 1);
            }
            s.append('}');
        } else if (n.isArray()) {
            s.append('[');
            n.forEach(item -> {
                write(item, s);
                s.append(',');
            });
            if (n.size() > 0) {
                s.setLength(s.length() - 1);
            }
            s.append(']');
        } else if (n.isNumber()) {
            s.append(number(n.decimalValue()));
        } else if (n.isTextual()) {
            s.append(quote(n.textValue()));
        } else {
            s.append(n);
        }
    }

    private static String number(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : string(h.value());
    }

    private static Integer parseInt(String s) {
        try {
            return s == null ? null : Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
