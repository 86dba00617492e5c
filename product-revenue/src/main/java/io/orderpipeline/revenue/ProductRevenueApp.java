package io.orderpipeline.revenue;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;
import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

public final class ProductRevenueApp {

    public static final String SERVICE = "product-revenue";
    /** Environment variable: the grace period of the hourly windows, in seconds (default 300). */
    public static final String WINDOW_GRACE_SECONDS = "WINDOW_GRACE_SECONDS";

    private ProductRevenueApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnvWithHttp(SERVICE)
                // emit a closed window as soon as a record closes it: Kafka Streams otherwise looks
                // for closed windows at most once a second, and a window closed within that second
                // waited for the next order
                .withDefault(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0");
        StreamsApp app = StreamsApp.start(config, topology(config));
        RevenueRoutes.start(config, app);
        app.runUntilShutdown();
    }

    /** The service's topology with its configured grace period. */
    public static Topology topology(ServiceConfig config) {
        return ProductRevenueTopology.build(grace(config));
    }

    static Duration grace(ServiceConfig config) {
        int seconds = config.getInt(WINDOW_GRACE_SECONDS, (int) ProductRevenueTopology.DEFAULT_GRACE.toSeconds());
        long max = ProductRevenueTopology.RETENTION.minus(ProductRevenueTopology.WINDOW_SIZE).toSeconds();
        if (seconds < 0 || seconds > max) {
            throw new IllegalArgumentException(WINDOW_GRACE_SECONDS + " must be between 0 and " + max + ", got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
