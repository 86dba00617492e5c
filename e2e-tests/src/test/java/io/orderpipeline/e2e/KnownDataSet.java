package io.orderpipeline.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, hand-written input that exercises every rule of the contract, at its edges. Orders go
 * to partition {@link Expected#revenuePartition} of their product (bad ones round-robin), so
 * which hourly windows close and which records are late is determined by the data alone.
 * Customers are written first, partitioned by key like any producer would.
 */
public final class KnownDataSet {

    /** 2026-11-24T10:00:00Z: the start of an hourly window. */
    public static final long T0 = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();
    private static final long MIN = Duration.ofMinutes(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final int partitions;
    private int badIndex;

    private KnownDataSet(int partitions) {
        this.partitions = partitions;
    }

    /** Writes the whole data set (customers first, then orders) and flushes. */
    public static void write(InputWriter in, int partitions) {
        writeCustomers(in, partitions);
        writeOrders(in, partitions);
    }

    /** Writes the customers part and flushes. */
    public static void writeCustomers(InputWriter in, int partitions) {
        new KnownDataSet(partitions).customers(in);
        in.flush();
    }

    /** Writes the orders part (valid and bad) and flushes. */
    public static void writeOrders(InputWriter in, int partitions) {
        new KnownDataSet(partitions).orders(in);
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

    private void customers(InputWriter in) {
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

    private void orders(InputWriter in) {
        // the amount rules at their edges, the join's as-of cases, extras, absent key and status
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
        // bad orders, keys present and absent, spread over the partitions
        KnownDataSet.badOrders().forEach((what, value) -> {
            int i = badIndex++;
            in.send(Expected.ORDERS, i % partitions, T0 + 27 * MIN, i % 4 == 0 ? null : "bad-" + i, value);
        });
        // windows at their boundaries (grace 2 s): keyboard's partition
        order(in, 0, "101", 101, 13, "10.00", "keyboard", "");
        order(in, HOUR - 1, "102", 102, 13, "20.00", "keyboard", "");
        order(in, HOUR, "103", 103, 13, "40.00", "keyboard", "");
        order(in, HOUR + 1999, "104", 104, 13, "80.00", "keyboard", "");
        order(in, HOUR - 1000, "105", 105, 13, "160.00", "keyboard", ""); // late, within grace: counted
        order(in, HOUR + 2000, "106", 106, 13, "320.00", "keyboard", ""); // closes 10:00-11:00
        order(in, 30 * MIN, "107", 107, 13, "640.00", "keyboard", ""); // beyond grace: not in any window
        order(in, 90 * MIN, "108", 108, 13, "15.00", "mouse", "");
        // one later order per partition closes every window before 13:00; 13:00-14:00 stays open
        List<String> closers = new ArrayList<>();
        for (String product : List.of("keyboard", "mouse", "monitor", "laptop", "cable", "pen", "webcam", "headset", "dock", "desk")) {
            if (closers.stream().noneMatch(p -> Expected.revenuePartition(p, partitions) == Expected.revenuePartition(product, partitions))) {
                closers.add(product);
            }
        }
        if (closers.size() < partitions) {
            throw new IllegalStateException("No product for every partition among " + closers);
        }
        for (int i = 0; i < closers.size(); i++) {
            order(in, 3 * HOUR, String.valueOf(201 + i), 201 + i, 14, "1", closers.get(i), "");
        }
    }

    private void order(InputWriter in, long offsetFromT0, String key, long id, long customer, String amount, String product,
            String rest) {
        String value = "{\"order_id\": " + id + ", \"customer_id\": " + customer + ", \"amount\": " + amount
                + ", \"product\": \"" + product + "\"" + rest + "}";
        in.send(Expected.ORDERS, Expected.revenuePartition(product, partitions), T0 + offsetFromT0, key, value);
    }
}
