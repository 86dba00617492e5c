package io.orderpipeline.revenue;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topics;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.Topology;

public final class ProductRevenueApp {

    /** Environment variable: the grace period of the hourly windows, in seconds (default 300). */
    public static final String WINDOW_GRACE_SECONDS = EnvVariable.WINDOW_GRACE_SECONDS.name();

    /**
     * Environment variable: seconds without orders (wall-clock, while its task runs) after which a
     * partition of {@code orders} is idle and no longer holds windows open (default 30).
     */
    public static final String IDLE_PARTITION_SECONDS = EnvVariable.IDLE_PARTITION_SECONDS.name();
    private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(30);

    /** The service's topology with its configured grace period and idleness, for the partitions {@code orders} has now. */
    public static Topology topology(ServiceConfig config) {
        return topology(config, ordersPartitions(config));
    }

    static Topology topology(ServiceConfig config, int ordersPartitions) {
        return ProductRevenueTopology.build(grace(config), idleness(config), ordersPartitions);
    }

    /** How many partitions {@code orders} has: every one of them must pass a window's end + grace before it closes. */
    static int ordersPartitions(ServiceConfig config) {
        try (Admin admin = Admin.create(config.streamsProperties())) {
            return admin.describeTopics(List.of(Topics.ORDERS.name())).allTopicNames()
                    .get(PARTITIONS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(Topics.ORDERS.name()).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the partitions of topic " + Topics.ORDERS.name() + " (it must exist before "
                    + Services.PRODUCT_REVENUE.name() + " starts): " + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Duration idleness(ServiceConfig config) {
        int seconds = config.getInt(IDLE_PARTITION_SECONDS, (int) ProductRevenueTopology.DEFAULT_IDLENESS.toSeconds());
        if (seconds < 1) {
            throw new IllegalArgumentException(IDLE_PARTITION_SECONDS + " must be at least 1, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    static Duration grace(ServiceConfig config) {
        int seconds = config.getInt(WINDOW_GRACE_SECONDS, (int) ProductRevenueTopology.DEFAULT_GRACE.toSeconds());
        long max = ProductRevenueTopology.RETENTION.minus(ProductRevenueTopology.WINDOW_SIZE).toSeconds();
        if (seconds < 0 || seconds > max) {
            throw new IllegalArgumentException(WINDOW_GRACE_SECONDS + " must be between 0 and " + max + ", got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnv(Services.PRODUCT_REVENUE);
        try (StreamsApp app = StreamsApp.create(config, topology(config));
                HttpServer http = ProductRevenueRoutes.start(config, app.streams())) {
            app.run();
        }
    }
}
