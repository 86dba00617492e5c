package io.orderpipeline.local;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One snapshot of what the live status block shows. An empty optional is something not known
 * (yet): the broker did not answer in time, a consumer group has committed nothing yet.
 * {@code alertedCustomer}: the customer of the latest alert, or null before the first one.
 */
record Status(
        Duration uptime,
        String bootstrapServers,
        OptionalLong ordersProduced,
        Child generator,
        List<Service> services,
        OptionalLong alertsRaised,
        TopProducts topProducts,
        String alertedCustomer) {

    /** A child process: its exit code once it has exited, and its log. */
    record Child(String name, OptionalInt exitCode, String log) {
        boolean alive() {
            return exitCode.isEmpty();
        }
    }

    /**
     * A service: its process, its HTTP query port (0: none), its consumer-group lag on its input
     * topics, and what its {@code /health/ready} answered ({@code ready}, or why not).
     */
    record Service(Child process, int httpPort, OptionalLong lag, String health) {
    }

    /** The best-selling products of the current hour, or why they are not known (yet). */
    record TopProducts(List<ProductLine> products, String unavailable) {
        static TopProducts of(List<ProductLine> products) {
            return new TopProducts(List.copyOf(products), null);
        }

        static TopProducts unavailable(String why) {
            return new TopProducts(List.of(), why);
        }
    }

    record ProductLine(String product, BigDecimal revenue, long orders) {
    }
}
