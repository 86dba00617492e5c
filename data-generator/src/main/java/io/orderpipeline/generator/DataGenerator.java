package io.orderpipeline.generator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderpipeline.common.Customer;
import io.orderpipeline.common.Json;
import io.orderpipeline.generator.GeneratedRecord.Kind;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Realistic customers and orders, deterministic from {@link GeneratorOptions}: first every
 * customer once (ids {@code 1..customers}), then the orders (ids from 1, key = order id) with a few
 * customer updates between them and, if asked, bad records in place of some orders.
 *
 * <p>Customers and products have a Zipf-like popularity; amounts follow the product's price
 * (mostly 5-300, laptops and bulk orders up to a few thousand). A customer update never has the
 * same timestamp as an order of that customer, so "the customer as of the order's time" is never
 * ambiguous. Each call of {@link #records()} starts again from the seed and gives the same
 * records.
 */
public final class DataGenerator implements Iterable<GeneratedRecord> {

    /** Products in order of popularity, with a typical unit price. */
    private static final String[] PRODUCT_NAMES = {
        "keyboard", "mouse", "headset", "monitor", "laptop", "usb-c-cable", "webcam", "charger", "mousepad",
        "ssd", "docking-station", "speaker", "microphone", "earbuds", "router", "external-drive", "desk-lamp",
        "hdmi-cable", "tablet", "printer", "power-bank", "usb-hub", "gamepad", "smartwatch", "memory-card",
        "office-chair", "standing-desk", "projector", "smartphone", "graphics-card"};
    private static final double[] PRODUCT_PRICES = {
        60, 25, 80, 250, 1100, 12, 70, 35, 15,
        110, 180, 90, 120, 130, 140, 95, 40,
        10, 450, 200, 40, 30, 55, 300, 20,
        350, 420, 600, 750, 900};
    private static final String[] FIRST_NAMES = {
        "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Donald", "Radia",
        "Edsger", "Katherine", "Tim", "Hedy", "John", "Sophie", "Guido", "Karen", "Bjarne", "Anita", "James",
        "Shafi", "Niklaus", "Lynn", "Leslie", "Jean", "Tony", "Mary", "Yukihiro", "Joan", "Rasmus", "Carol",
        "Whitfield", "Annie", "Vint", "Elena", "Marek", "Priya", "Kwame"};
    private static final String[] LAST_NAMES = {
        "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen",
        "Knuth", "Perlman", "Dijkstra", "Johnson", "Berners-Lee", "Lamarr", "McCarthy", "Wilson", "van Rossum",
        "Sparck Jones", "Stroustrup", "Borg", "Gosling", "Goldwasser", "Wirth", "Conway", "Lamport", "Sammet",
        "Hoare", "Keller", "Matsumoto", "Clarke", "Lerdorf", "Shaw", "Diffie", "Easley", "Cerf", "Petrova",
        "Nowak", "Raman", "Mensah"};
    private static final String[] SEGMENTS = {"consumer", "consumer", "consumer", "consumer", "consumer",
        "consumer", "consumer", "small-business", "small-business", "enterprise"};
    private static final String[] COUNTRIES = {"US", "US", "US", "GB", "GB", "DE", "DE", "FR", "NL", "ES", "IT",
        "SE", "PL", "CA", "AU", "JP", "IN", "BR", "IE", "DK"};
    private static final String[] STATUSES = {"paid", "paid", "paid", "paid", "paid", "paid", "paid", "paid",
        "pending", "shipped"};
    private static final String[] CHANNELS = {"web", "web", "web", "web", "web", "mobile", "mobile", "mobile",
        "mobile", "store"};
    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999.99");
    private static final BigDecimal MIN_AMOUNT = new BigDecimal("0.99");
    /** Share of customer updates that delete the customer (a tombstone). */
    private static final double DELETE_SHARE = 0.05;

    private final GeneratorOptions options;
    private final String[] products;
    private final double[] prices;
    private final double[] productCdf;
    private final double[] customerCdf;
    private final int[] customerByRank;

    public DataGenerator(GeneratorOptions options) {
        this.options = options;
        products = new String[options.products()];
        prices = new double[options.products()];
        for (int i = 0; i < products.length; i++) {
            int round = i / PRODUCT_NAMES.length;
            products[i] = PRODUCT_NAMES[i % PRODUCT_NAMES.length] + (round == 0 ? "" : "-" + (round + 1));
            prices[i] = PRODUCT_PRICES[i % PRODUCT_PRICES.length] * (1 + 0.15 * round);
        }
        productCdf = zipfCdf(options.products(), 1.0);
        customerCdf = zipfCdf(options.customers(), 1.0);
        customerByRank = shuffledIds(options.customers(), new Random(mix(options.seed(), -1)));
    }

    public GeneratorOptions options() {
        return options;
    }

    /** The product names, most popular first. */
    public List<String> products() {
        return List.of(products);
    }

    /** The event time of the order with index {@code index} (order id {@code index + 1}). */
    public long orderTime(long index) {
        return options.startTime().toEpochMilli() + (long) Math.floor(index * 1000.0 / options.eventRate());
    }

    /** The event time of the initial customers: 1 ms before the first order. */
    public long customersTime() {
        return options.startTime().toEpochMilli() - 1;
    }

    /** All records, from the seed: customers, then orders and updates; endless when the count is negative. */
    public Stream<GeneratedRecord> records() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public Iterator<GeneratedRecord> iterator() {
        return new Sequence();
    }

    private final class Sequence implements Iterator<GeneratedRecord> {
        private final Random random = new Random(options.seed());
        /** Customers changed by an update: the latest value, null when deleted. */
        private final Map<Long, Customer> changed = new HashMap<>();
        private final Set<Long> orderedThisMilli = new HashSet<>();
        private final ArrayDeque<GeneratedRecord> queued = new ArrayDeque<>();
        private long nextCustomer = 1;
        private long nextOrder;
        private int pendingUpdates;

        @Override
        public boolean hasNext() {
            return !queued.isEmpty() || nextCustomer <= options.customers() || options.count() < 0
                    || nextOrder < options.count();
        }

        @Override
        public GeneratedRecord next() {
            if (!queued.isEmpty()) {
                return queued.poll();
            }
            if (nextCustomer <= options.customers()) {
                long id = nextCustomer++;
                return customerRecord(Kind.CUSTOMER, id, initialCustomer(id), customersTime());
            }
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long index = nextOrder++;
            long time = orderTime(index);
            GeneratedRecord order = order(index, time);
            while (random.nextDouble() < options.customerUpdates()) {
                pendingUpdates++;
            }
            // updates go at the end of a millisecond, for customers without an order in it
            if (orderTime(index + 1) > time) {
                for (; pendingUpdates > 0; pendingUpdates--) {
                    update(time);
                }
                orderedThisMilli.clear();
            }
            return order;
        }

        private GeneratedRecord order(long index, long time) {
            long orderId = index + 1;
            long customerId = customerByRank[pick(customerCdf, random)];
            int product = pick(productCdf, random);
            int quantity = quantity();
            double noise = Math.exp(0.25 * random.nextGaussian());
            BigDecimal amount = BigDecimal.valueOf(prices[product] * quantity * noise).setScale(2, RoundingMode.HALF_UP)
                    .max(MIN_AMOUNT).min(MAX_AMOUNT);
            ObjectNode json = Json.MAPPER.createObjectNode()
                    .put("order_id", orderId)
                    .put("customer_id", customerId)
                    .put("amount", amount)
                    .put("product", products[product])
                    .put("status", STATUSES[random.nextInt(STATUSES.length)])
                    .put("channel", CHANNELS[random.nextInt(CHANNELS.length)])
                    .put("created_at", CREATED_AT.format(Instant.ofEpochMilli(time)));
            orderedThisMilli.add(customerId);
            String key = Long.toString(orderId);
            if (random.nextDouble() < options.badRatio()) {
                BadKind kind = BadKind.values()[random.nextInt(BadKind.values().length)];
                return new GeneratedRecord(Kind.BAD_ORDER, options.ordersTopic(), key, kind.corrupt(json, random), time);
            }
            return new GeneratedRecord(Kind.ORDER, options.ordersTopic(), key, bytes(json), time);
        }

        private int quantity() {
            double r = random.nextDouble();
            return r < 0.8 ? 1 : r < 0.95 ? 2 : 3 + random.nextInt(3);
        }

        private void update(long time) {
            long id = 1 + random.nextInt(options.customers());
            for (int tries = 1; orderedThisMilli.contains(id); tries++) {
                if (tries == 3) {
                    return;
                }
                id = 1 + random.nextInt(options.customers());
            }
            Customer current = changed.containsKey(id) ? changed.get(id) : initialCustomer(id);
            Customer next;
            double r = random.nextDouble();
            if (current == null) {
                next = newCustomer(id, random);
            } else if (r < DELETE_SHARE) {
                next = null;
            } else if (r < 0.5) {
                String first = current.name().substring(0, current.name().indexOf(' '));
                next = new Customer(id, first + " " + pickOf(LAST_NAMES, random), current.segment(), current.country());
            } else if (r < 0.8) {
                next = new Customer(id, current.name(), pickOf(SEGMENTS, random), current.country());
            } else {
                next = new Customer(id, current.name(), current.segment(), pickOf(COUNTRIES, random));
            }
            changed.put(id, next);
            queued.add(customerRecord(Kind.CUSTOMER_UPDATE, id, next, time));
        }

        private GeneratedRecord customerRecord(Kind kind, long id, Customer customer, long time) {
            return new GeneratedRecord(kind, options.customersTopic(), Long.toString(id),
                    customer == null ? null : bytes(customer), time);
        }
    }

    /** The bad records of the contract, each made from the valid order it replaces. */
    private enum BadKind {
        NOT_JSON {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                byte[] json = bytes(order);
                return Arrays.copyOf(json, json.length / 2);
            }
        },
        NOT_AN_OBJECT {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                return switch (random.nextInt(3)) {
                    case 0 -> bytes(order.get("product"));
                    case 1 -> bytes(NullNode.getInstance());
                    default -> {
                        ArrayNode values = Json.MAPPER.createArrayNode();
                        order.elements().forEachRemaining(values::add);
                        yield bytes(values);
                    }
                };
            }
        },
        WRONG_TYPE {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                String field = pickOf(REQUIRED, random);
                if (field.equals("product")) {
                    order.put(field, 1 + random.nextInt(100));
                } else {
                    order.put(field, order.get(field).asText());
                }
                return bytes(order);
            }
        },
        MISSING_FIELD {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                order.remove(pickOf(REQUIRED, random));
                return bytes(order);
            }
        },
        BLANK_PRODUCT {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                order.put("product", random.nextBoolean() ? "" : "  ");
                return bytes(order);
            }
        },
        NEGATIVE_AMOUNT {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                order.put("amount", order.get("amount").decimalValue().negate());
                return bytes(order);
            }
        },
        NULL_VALUE {
            @Override
            byte[] corrupt(ObjectNode order, Random random) {
                return null;
            }
        };

        private static final String[] REQUIRED = {"order_id", "customer_id", "amount", "product"};

        abstract byte[] corrupt(ObjectNode order, Random random);
    }

    private Customer initialCustomer(long id) {
        return newCustomer(id, new Random(mix(options.seed(), id)));
    }

    private static Customer newCustomer(long id, Random random) {
        return new Customer(id, pickOf(FIRST_NAMES, random) + " " + pickOf(LAST_NAMES, random), pickOf(SEGMENTS, random),
                pickOf(COUNTRIES, random));
    }

    private static String pickOf(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }

    /** The index drawn from a cumulative distribution. */
    private static int pick(double[] cdf, Random random) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(i < 0 ? -i - 1 : i, cdf.length - 1);
    }

    /** Cumulative Zipf distribution over {@code n} ranks: rank {@code k} (from 1) has weight {@code 1/k^s}. */
    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** Customer ids 1..n in a seeded random order: the most popular customer is not always id 1. */
    private static int[] shuffledIds(int n, Random random) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = ids[i];
            ids[i] = ids[j];
            ids[j] = swap;
        }
        return ids;
    }

    /** A well-spread seed for one customer (or other sub-stream) of a seed. */
    private static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    private static byte[] bytes(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
