package io.orderpipeline.generator;

import io.orderpipeline.common.Topics;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link DataGenerator} generates. The same options (same seed) give the same records, byte
 * for byte, in the same order.
 *
 * @param seed            the random seed
 * @param customers       distinct customers, ids {@code 1..customers}
 * @param products        distinct products
 * @param count           orders to generate (bad ones included); negative means no end
 * @param badRatio        fraction of orders replaced by a bad record, 0..1
 * @param customerUpdates fraction of the events after the initial customers that are customer
 *                        updates (renames, moves, segment changes, a few deletions), 0..1
 * @param startTime       event time of the first order; the initial customers are 1 ms earlier
 * @param eventRate       orders per second of event time: order {@code i} (from 0) has timestamp
 *                        {@code startTime + floor(i * 1000 / eventRate)} ms
 * @param ordersTopic     topic of the orders
 * @param customersTopic  topic of the customers
 */
public record GeneratorOptions(
        long seed,
        int customers,
        int products,
        long count,
        double badRatio,
        double customerUpdates,
        Instant startTime,
        double eventRate,
        String ordersTopic,
        String customersTopic) {

    public static final int DEFAULT_CUSTOMERS = 1000;
    public static final int DEFAULT_PRODUCTS = 20;
    public static final double DEFAULT_CUSTOMER_UPDATES = 0.01;
    public static final double DEFAULT_EVENT_RATE = 50;

    public GeneratorOptions {
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be at least 1: " + customers);
        }
        if (products < 1) {
            throw new IllegalArgumentException("products must be at least 1: " + products);
        }
        requireFraction("badRatio", badRatio);
        requireFraction("customerUpdates", customerUpdates);
        if (customerUpdates == 1) {
            throw new IllegalArgumentException("customerUpdates must be below 1, or no order is ever generated");
        }
        if (!(eventRate > 0) || Double.isInfinite(eventRate)) {
            throw new IllegalArgumentException("eventRate must be a positive number: " + eventRate);
        }
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(ordersTopic, "ordersTopic");
        Objects.requireNonNull(customersTopic, "customersTopic");
    }

    /** Default options: 1000 customers, 20 products, no bad records, endless, starting now. */
    public static GeneratorOptions defaults(long seed) {
        return new GeneratorOptions(seed, DEFAULT_CUSTOMERS, DEFAULT_PRODUCTS, -1, 0, DEFAULT_CUSTOMER_UPDATES,
                Instant.now(), DEFAULT_EVENT_RATE, Topics.ORDERS.name(), Topics.CUSTOMERS.name());
    }

    public GeneratorOptions withSeed(long seed) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withCustomers(int customers) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withProducts(int products) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withCount(long count) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withBadRatio(double badRatio) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withCustomerUpdates(double customerUpdates) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withStartTime(Instant startTime) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withEventRate(double eventRate) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    public GeneratorOptions withTopics(String ordersTopic, String customersTopic) {
        return new GeneratorOptions(seed, customers, products, count, badRatio, customerUpdates, startTime, eventRate,
                ordersTopic, customersTopic);
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1: " + value);
        }
    }
}
