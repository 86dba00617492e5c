package io.orderpipeline.common;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Every topic of the contract (../CONTRACT.md), typed. Keys are UTF-8 strings throughout. */
public final class Topics {

    private static final Serde<String> KEY = Serdes.String();

    /**
     * Input: orders keyed by order id (key may be absent); a null value is a bad record. The shape
     * producers and tests write; the services read {@link #ORDERS_AS_READ}.
     */
    public static final Topic<String, Order> ORDERS =
            new Topic<>("orders", KEY, JsonSerde.nonNull(Order.class));
    /**
     * The same {@code orders} as every service reads them: each valid order with the bytes it came
     * in, which a service passes on unchanged (order-filter's output, the repartition topics)
     * instead of writing the order as JSON again. Bad records fail exactly as with {@link #ORDERS}.
     */
    public static final Topic<String, Parsed<Order>> ORDERS_AS_READ =
            new Topic<>("orders", KEY, JsonSerde.parsed(Order.class));
    /**
     * Input, compacted: customers keyed by customer id (an absent or non-integer key is a bad
     * record: a table cannot hold it); a null value (tombstone) deletes.
     */
    public static final Topic<String, Customer> CUSTOMERS =
            new Topic<>("customers", customerIdKey(), JsonSerde.of(Customer.class));

    /** Valid orders with {@code amount > 100}, each value the exact bytes it had in {@code orders}. */
    public static final Topic<String, Parsed<Order>> HIGH_VALUE_ORDERS =
            new Topic<>("high-value-orders", KEY, JsonSerde.parsed(Order.class));
    public static final Topic<String, EnrichedOrder> ENRICHED_ORDERS =
            new Topic<>("enriched-orders", KEY, JsonSerde.of(EnrichedOrder.class));
    public static final Topic<String, CustomerStats> CUSTOMER_STATS =
            new Topic<>("customer-stats", KEY, JsonSerde.of(CustomerStats.class));
    public static final Topic<String, CustomerAlert> CUSTOMER_ALERTS =
            new Topic<>("customer-alerts", KEY, JsonSerde.of(CustomerAlert.class));
    public static final Topic<String, ProductRevenue> PRODUCT_REVENUE_HOURLY =
            new Topic<>("product-revenue-hourly", KEY, JsonSerde.of(ProductRevenue.class));
    /**
     * What product-revenue did not count in a window, keyed by product: a late order (its bytes as
     * read) or a late partial sum (JSON in the shape of {@link ProductRevenue}); headers say which
     * window and why (CONTRACT.md).
     */
    public static final Topic<String, byte[]> PRODUCT_REVENUE_LATE =
            new Topic<>("product-revenue-late", KEY, Serdes.ByteArray());
    public static final Topic<String, CustomerEnrichedOrder> CUSTOMER_ENRICHED_ORDERS =
            new Topic<>("customer-enriched-orders", KEY, JsonSerde.of(CustomerEnrichedOrder.class));

    private Topics() {
    }

    /**
     * Customer ids as keys: the decimal text of a {@code long} as {@link String#valueOf(long)} writes
     * it, the key the services give an order's {@code customer_id}. Any other key ({@code 042},
     * {@code -0}, past the range of {@code long}) could never be joined with an order.
     */
    private static Serde<String> customerIdKey() {
        Deserializer<String> strings = new StringDeserializer();
        return Serdes.serdeFrom(new StringSerializer(), (topic, bytes) -> {
            String key = strings.deserialize(topic, bytes);
            if (key == null) {
                throw new SerializationException("Invalid customer key: absent");
            }
            if (!isLong(key)) {
                throw new SerializationException("Invalid customer key: '" + key + "' is not a customer id (an integer from "
                        + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ", without '+' or leading zeros)");
            }
            return key;
        });
    }

    private static boolean isLong(String key) {
        try {
            return String.valueOf(Long.parseLong(key)).equals(key);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The dead-letter topic of a streams app: {@code <application.id>-dlq}. */
    public static String deadLetter(String applicationId) {
        return applicationId + "-dlq";
    }
}
