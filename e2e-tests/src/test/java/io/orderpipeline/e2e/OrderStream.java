package io.orderpipeline.e2e;

import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratedRecord;
import io.orderpipeline.generator.GeneratorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady, deterministic stream from the data generator's library (customers, orders, customer
 * updates and deletions, bad orders), plus now and then an order two hours late in event time,
 * written with {@link InputWriter}, every record partitioned by its key (Kafka's default
 * partitioner), so each product's orders come from every partition of orders. The same seed gives
 * the same records.
 */
public final class OrderStream {

    /** Event time: one order per 5 s, so an hourly window closes every 720 orders. */
    public static final double EVENT_RATE = 0.2;
    private static final long LATE_BY = Duration.ofHours(2).toMillis();

    private final InputWriter in;
    private final int partitions;
    private final Iterator<GeneratedRecord> records;
    private final List<String> products;
    private final Random random;
    private final AtomicLong orders = new AtomicLong();
    private final AtomicLong maxEventTime = new AtomicLong(Long.MIN_VALUE);
    private long lateIds = 1_000_000_000L;
    /** A record taken from the generator but not written yet (see {@link #writeCustomersBeforeFirstOrder}). */
    private GeneratedRecord peeked;

    public OrderStream(InputWriter in, int partitions, long seed, int customers) {
        this(in, partitions, seed, customers, 0.03);
    }

    /** With {@code customerUpdates} the share of customer updates and deletions among the records after the initial customers. */
    public OrderStream(InputWriter in, int partitions, long seed, int customers, double customerUpdates) {
        this.in = in;
        this.partitions = partitions;
        GeneratorOptions options = GeneratorOptions.defaults(seed)
                .withCustomers(customers)
                .withProducts(12)
                .withBadRatio(0.02)
                .withCustomerUpdates(customerUpdates)
                .withStartTime(Instant.parse("2026-11-24T10:00:00Z"))
                .withEventRate(EVENT_RATE);
        DataGenerator generator = new DataGenerator(options);
        this.records = generator.iterator();
        this.products = generator.products();
        this.random = new Random(seed);
    }

    /** Writes the next {@code count} orders (valid or bad) and the customer records between them; does not flush. */
    public void write(int count) {
        for (int written = 0; written < count; ) {
            GeneratedRecord r = next();
            if (r.isOrderSlot()) {
                written++;
                orders.incrementAndGet();
                maxEventTime.accumulateAndGet(r.timestamp(), Math::max);
                in.send(r.topic(), null, r.timestamp(), r.key().getBytes(StandardCharsets.UTF_8), r.value());
                if (random.nextInt(150) == 0) {
                    writeLateOrder(r.timestamp() - LATE_BY);
                }
            } else {
                in.send(r.topic(), null, r.timestamp(), r.key().getBytes(StandardCharsets.UTF_8), r.value());
            }
        }
    }

    /**
     * Writes the customer records the generator gives before its first order (the initial
     * customers), and nothing else; does not flush. Reference data first, as PipelineIT writes it:
     * customer-join joins an order with the customer as processed so far.
     */
    public void writeCustomersBeforeFirstOrder() {
        while (true) {
            GeneratedRecord r = next();
            if (r.isOrderSlot()) {
                peeked = r;
                return;
            }
            in.send(r.topic(), null, r.timestamp(), r.key().getBytes(StandardCharsets.UTF_8), r.value());
        }
    }

    private GeneratedRecord next() {
        GeneratedRecord r = peeked != null ? peeked : records.next();
        peeked = null;
        return r;
    }

    /**
     * One order in each partition of orders at the newest order time so far: every partition's event
     * time, and so product-revenue's low watermark, is then at least that time.
     */
    public void writeOnePerPartitionAtLatestTime() {
        for (int p = 0; p < partitions; p++) {
            writeOrder(p, lateIds++, maxEventTime.get(), products.get(p % products.size()));
        }
    }

    /**
     * For up to {@code max} customers that have had two valid versions, one order timed just before
     * the second: joined as of its time it must get the first version (from the store's history).
     * Returns how many were written.
     */
    public int writeOrdersBetweenCustomerVersions(List<InputRecord> customers, int max) {
        java.util.Map<String, java.util.TreeSet<Long>> versions = new java.util.TreeMap<>();
        for (InputRecord c : customers) {
            if (c.value() != null && Expected.validCustomer(c.value()) != null) {
                versions.computeIfAbsent(c.keyString(), k -> new java.util.TreeSet<>()).add(c.timestamp());
            }
        }
        int written = 0;
        for (var e : versions.entrySet()) {
            if (written == max || e.getValue().size() < 2) {
                continue;
            }
            long second = e.getValue().higher(e.getValue().first());
            String product = products.get(written % products.size());
            long id = lateIds++;
            String value = "{\"order_id\":" + id + ",\"customer_id\":" + e.getKey() + ",\"amount\":1.00,\"product\":\""
                    + product + "\",\"status\":\"paid\"}";
            in.send(Expected.ORDERS, null, second - 1000, String.valueOf(id), value);
            written++;
        }
        return written;
    }

    private void writeLateOrder(long timestamp) {
        writeOrder(null, lateIds++, timestamp, products.get(random.nextInt(products.size())));
    }

    /** {@code partition} null: by key. */
    private void writeOrder(Integer partition, long id, long timestamp, String product) {
        String value = "{\"order_id\":" + id + ",\"customer_id\":" + (1 + random.nextInt(50)) + ",\"amount\":12.34,\"product\":\""
                + product + "\",\"status\":\"paid\"}";
        in.send(Expected.ORDERS, partition, timestamp, String.valueOf(id), value);
    }

    /** Orders written so far (bad ones included, late extras not). */
    public long orders() {
        return orders.get();
    }

    public long maxEventTime() {
        return maxEventTime.get();
    }
}
