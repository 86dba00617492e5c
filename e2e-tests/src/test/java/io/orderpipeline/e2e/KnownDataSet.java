package io.orderpipeline.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A small, hand-written input that exercises every rule of the contract, at its edges, for a
 * three-partition {@code orders}. Orders of one product are spread over the partitions, and the
 * partitions are far apart in event time (partition 1 ahead, partition 2 behind), so that
 * product-revenue's rules per partition show: an order late in its own partition, an order on
 * time in its partition while another is hours ahead, windows final only once the slowest
 * partition has passed them. Which windows close and which orders are late is determined by each
 * partition's record order alone. Customers are written first, partitioned by key like any
 * producer would.
 */
public final class KnownDataSet {

    /** 2026-11-24T10:00:00Z: the start of an hourly window. */
    public static final long T0 = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();
    /** The header the late order of partition 1 carries: product-revenue-late must keep it. */
    public static final String SOURCE_HEADER = "source";
    private static final long MIN = Duration.ofMinutes(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final int PARTITIONS = 3;

    private int badIndex;

    private KnownDataSet() {
    }

    /** Writes the customers part and flushes. */
    public static void writeCustomers(InputWriter in) {
        customers(in);
        in.flush();
    }

    /**
     * Writes the orders (valid and bad) in two parts, each flushed, and runs {@code between} after
     * the first: pass a wait until the services have consumed it, so that partition 1 is surely read
     * hours ahead before partition 2's on-time orders of the same windows and products are (a
     * topology that kept one event time per product, or per task, would drop those).
     */
    public static void writeOrders(InputWriter in, int partitions, Runnable between) {
        if (partitions != PARTITIONS) {
            throw new IllegalArgumentException("the known data set is laid out for " + PARTITIONS + " partitions, not " + partitions);
        }
        KnownDataSet data = new KnownDataSet();
        data.ordersFirstPart(in);
        in.flush();
        between.run();
        data.ordersSecondPart(in);
        in.flush();
    }

    /** Bad {@code orders} values, by what is wrong with them (null: a null value). */
    public static Map<String, String> badOrders() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("not JSON", "order 1001: 149.99 for a keyboard");
        bad.put("truncated JSON", "{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 14");
        bad.put("trailing garbage", "{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 1, \"product\": \"pen\"} x");
        bad.put("empty value", "");
        bad.put("array", "[1001, 42, 149.99, \"keyboard\"]");
        bad.put("string", "\"keyboard\"");
        bad.put("number", "149.99");
        bad.put("JSON null", "null");
        bad.put("order_id a string", order("\"1001\"", "42", "149.99", "\"keyboard\""));
        bad.put("order_id a fraction", order("1001.5", "42", "149.99", "\"keyboard\""));
        bad.put("customer_id a string", order("1001", "\"42\"", "149.99", "\"keyboard\""));
        bad.put("customer_id a boolean", order("1001", "true", "149.99", "\"keyboard\""));
        bad.put("customer_id null", order("1001", "null", "149.99", "\"keyboard\""));
        bad.put("amount a string", order("1001", "42", "\"149.99\"", "\"keyboard\""));
        bad.put("amount null", order("1001", "42", "null", "\"keyboard\""));
        bad.put("amount negative", order("1001", "42", "-0.01", "\"keyboard\""));
        bad.put("amount an object", order("1001", "42", "{\"value\": 1}", "\"keyboard\""));
        bad.put("product a number", order("1001", "42", "149.99", "7"));
        bad.put("product an object", order("1001", "42", "149.99", "{\"name\": \"keyboard\"}"));
        bad.put("product blank", order("1001", "42", "149.99", "\"   \""));
        bad.put("product empty", order("1001", "42", "149.99", "\"\""));
        bad.put("missing order_id", "{\"customer_id\": 42, \"amount\": 149.99, \"product\": \"keyboard\"}");
        bad.put("missing customer_id", "{\"order_id\": 1001, \"amount\": 149.99, \"product\": \"keyboard\"}");
        bad.put("missing amount", "{\"order_id\": 1001, \"customer_id\": 42, \"product\": \"keyboard\"}");
        bad.put("missing product", "{\"order_id\": 1001, \"customer_id\": 42, \"amount\": 149.99}");
        bad.put("null value", null);
        return bad;
    }

    private static String order(String orderId, String customerId, String amount, String product) {
        return "{\"order_id\": " + orderId + ", \"customer_id\": " + customerId + ", \"amount\": " + amount
                + ", \"product\": " + product + ", \"status\": \"paid\"}";
    }

    private static String customer(long id, String name, String segment, String country) {
        return "{\"customer_id\": " + id + ", \"name\": \"" + name + "\""
                + (segment == null ? "" : ", \"segment\": \"" + segment + "\"")
                + (country == null ? "" : ", \"country\": \"" + country + "\"") + "}";
    }

    private static void customers(InputWriter in) {
        String topic = Expected.CUSTOMERS;
        // 1: updated at +30m (orders before, at and after the update)
        in.send(topic, null, T0 - HOUR, "1", customer(1, "Ada Lovelace", "enterprise", "GB"));
        in.send(topic, null, T0 + 30 * MIN, "1", customer(1, "Ada Lovelace", "small-business", "GB"));
        // 2: deleted at +20m
        in.send(topic, null, T0 - HOUR, "2", customer(2, "Grace Hopper", "enterprise", "US"));
        in.send(topic, null, T0 + 20 * MIN, "2", (String) null);
        // 3: never seen. 4: only an invalid record
        in.send(topic, null, T0 - 30 * MIN, "4", "{\"customer_id\": 4, \"name\": \"  \"}");
        // 5: valid, then an invalid update that must change nothing
        in.send(topic, null, T0 - HOUR, "5", customer(5, "Edsger Dijkstra", "academic", "NL"));
        in.send(topic, null, T0 + 5 * MIN, "5", "Edsger W. Dijkstra, NL");
        // 6: no segment, no country
        in.send(topic, null, T0 - HOUR, "6", customer(6, "Barbara Liskov", null, null));
        // 7: created at +40m, written before an order of +35m: that order must not see it
        in.send(topic, null, T0 + 40 * MIN, "7", customer(7, "Alan Turing", "research", "GB"));
        // more invalid customers
        in.send(topic, null, T0 - HOUR, "8", "[8, \"Linus Torvalds\"]");
        in.send(topic, null, T0 - HOUR, "9", "{\"customer_id\": \"9\", \"name\": \"Dennis Ritchie\"}");
        in.send(topic, null, T0 - HOUR, "10", "{\"name\": \"No Id\"}");
        in.send(topic, null, T0 - HOUR, "11", "{\"customer_id\": 11, \"name\": \"Ken Thompson\"} trailing");
        in.send(topic, null, T0 - HOUR, "12", "{\"customer_id\": 12, \"name\": 12}");
    }

    /**
     * Event time of each partition (grace 2 s), in the order written: partition 0 ends at 12:30,
     * partition 1 jumps to 13:00 early, partition 2 ends at 12:00:02, the low watermark: the windows
     * of 10:00 and 11:00 are final (11:00-12:00 exactly at its end + grace), those of 12:00 and 13:00
     * stay open.
     */
    private void ordersFirstPart(InputWriter in) {
        // the amount rules at their edges, the join's as-of cases, extras, absent key and status; all
        // in 10:00-11:00, spread over the partitions (partition = id % 3): by 10:50 at most
        order(in, 10 * MIN, "1", 1, 1, "149.990", "monitor", ", \"status\": \"paid\", \"coupon\": \"WINTER\", "
                + "\"lines\": [{\"sku\": \"m-1\", \"qty\": 2}], \"gift\": false");
        order(in, 30 * MIN, "2", 2, 1, "100", "mouse", ", \"status\": \"paid\"");
        order(in, 45 * MIN, "3", 3, 1, "100.00", "mouse", ", \"status\": \"shipped\"");
        order(in, 10 * MIN, "4", 4, 2, "100.01", "monitor", ", \"status\": \"paid\"");
        order(in, 25 * MIN, "5", 5, 2, "99.99", "mouse", ", \"status\": \"paid\"");
        order(in, 12 * MIN, "6", 6, 3, "0", "cable", ", \"status\": \"paid\"");
        order(in, 13 * MIN, "7", 7, 4, "500", "monitor", ", \"status\": \"paid\"");
        order(in, 15 * MIN, "8", 8, 5, "500.01", "monitor", ", \"status\": \"paid\"");
        order(in, 16 * MIN, "9", 9, 6, "1000000.10", "laptop", ", \"status\": \"paid\"");
        order(in, 35 * MIN, "10", 10, 7, "20", "cable", ", \"status\": \"paid\"");
        order(in, 50 * MIN, "11", 11, 7, "30", "cable", ", \"status\": \"paid\"");
        // 0.10 + 0.20 = 0.30
        order(in, 17 * MIN, null, 12, 8, "0.10", "pen", ", \"status\": \"paid\"");
        order(in, 18 * MIN, "13", 13, 8, "0.20", "pen", ", \"status\": \"paid\"");
        // alert edges: 10000.00 is not over, 10000.01 is, once; exactly 10000 never
        order(in, 19 * MIN, null, 14, 9, "9999.99", "laptop", ", \"status\": \"paid\"");
        order(in, 20 * MIN, "15", 15, 9, "0.01", "pen", ", \"status\": \"paid\"");
        order(in, 21 * MIN, "16", 16, 9, "0.01", "pen", ", \"status\": \"paid\"");
        order(in, 22 * MIN, "17", 17, 9, "5", "pen", ", \"status\": \"paid\"");
        order(in, 23 * MIN, "18", 18, 10, "10000.01", "laptop", ", \"status\": \"paid\"");
        order(in, 24 * MIN, "19", 19, 11, "10000", "laptop", ", \"status\": \"paid\"");
        order(in, 26 * MIN, "20", 20, 12, "42.5", "pen", "");
        // bad orders, keys present and absent, spread over the partitions; those in partition 2 stamped
        // 15:00, hours ahead of its valid orders: they must not move its event time (else its 10:30 and
        // 12:00 orders below would be late and the low watermark 12:30)
        KnownDataSet.badOrders().forEach((what, value) -> {
            int i = badIndex++;
            int partition = i % PARTITIONS;
            in.send(Expected.ORDERS, partition, T0 + (partition == 2 ? 5 * HOUR : 27 * MIN), i % 4 == 0 ? null : "bad-" + i, value);
        });
        // partition 1 jumps ahead to 13:00 (13:00-14:00 stays open), then an 11:30 order of its own is
        // late by 59:58 in it, with a header that product-revenue-late must keep; the 11:00-12:00 window
        // of mouse is still open then (partitions 0 and 2 are behind) and is final later without it
        order(in, 1, 3 * HOUR, "301", 301, 14, "5.00", "keyboard", "");
        order(in, 1, 90 * MIN, "302", 302, 14, "7.00", "mouse", "", new RecordHeader(SOURCE_HEADER, InputWriter.utf8("pos-7")));
    }

    private void ordersSecondPart(InputWriter in) {
        // partition 0, windows at their boundaries (grace 2 s); partition 1 is at 13:00 meanwhile,
        // past the end + grace of all these windows
        order(in, 0, 0, "101", 101, 13, "10.00", "keyboard", "");
        order(in, 0, HOUR - 1, "102", 102, 13, "20.00", "keyboard", "");
        order(in, 0, HOUR, "103", 103, 13, "40.00", "keyboard", "");
        order(in, 0, HOUR + 1999, "104", 104, 13, "80.00", "keyboard", "");
        order(in, 0, HOUR - 1000, "105", 105, 13, "160.00", "keyboard", ""); // late, within grace: counted
        order(in, 0, HOUR + 2000, "106", 106, 13, "320.00", "keyboard", ""); // partition 0 at 10:00-11:00's end + grace
        order(in, 0, 30 * MIN, "107", 107, 13, "640.00", "keyboard", ""); // late in partition 0 by 0 ms: not counted
        order(in, 0, 90 * MIN, "108", 108, 13, "15.00", "mouse", "");
        // partition 2 is at 10:50 (its bad orders do not count): keyboard's 10:00-11:00 is still open in it
        order(in, 2, 30 * MIN, "110", 110, 13, "1.25", "keyboard", "");
        order(in, 2, 2 * HOUR, "111", 111, 13, "2.50", "pen", "");
        order(in, 2, 2 * HOUR - 1000, "112", 112, 13, "3.75", "mouse", ""); // late, within grace in partition 2: counted
        order(in, 2, 2 * HOUR + 2000, "113", 113, 13, "4.00", "cable", ""); // partition 2 at 11:00-12:00's end + grace
        order(in, 0, 150 * MIN, "114", 114, 13, "6.00", "monitor", "");
    }

    /** An order in partition {@code id % 3}. */
    private static void order(InputWriter in, long offsetFromT0, String key, long id, long customer, String amount, String product,
            String rest) {
        order(in, (int) (id % PARTITIONS), offsetFromT0, key, id, customer, amount, product, rest);
    }

    private static void order(InputWriter in, int partition, long offsetFromT0, String key, long id, long customer, String amount,
            String product, String rest, Header... headers) {
        String value = "{\"order_id\": " + id + ", \"customer_id\": " + customer + ", \"amount\": " + amount
                + ", \"product\": \"" + product + "\"" + rest + "}";
        in.send(Expected.ORDERS, partition, T0 + offsetFromT0, key, value, headers);
    }
}
