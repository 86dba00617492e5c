package io.orderpipeline.revenue;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

public final class ProductRevenueApp {

    public static final String SERVICE = "product-revenue";
    /** Environment variable: the grace period of the hourly windows, in seconds (default 300). */
    public static final String WINDOW_GRACE_SECONDS = "WINDOW_GRACE_SECONDS";

    /** The main consumer's {@code max.partition.fetch.bytes} unless {@code KAFKA_MAIN_CONSUMER_MAX_PARTITION_FETCH_BYTES} says otherwise. */
    static final String MAX_PARTITION_FETCH_BYTES = "16384";

    private ProductRevenueApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = withServiceDefaults(ServiceConfig.fromEnvWithHttp(SERVICE));
        StreamsApp app = StreamsApp.start(config, topology(config));
        RevenueRoutes.start(config, app);
        app.runUntilShutdown();
    }

    /** The service's own Kafka defaults on top of the suite's; a {@code KAFKA_*} variable still wins. */
    static ServiceConfig withServiceDefaults(ServiceConfig config) {
        return config
                // emit a closed window as soon as a record closes it: Kafka Streams otherwise looks
                // for closed windows at most once a second, and a window closed within that second
                // waited for the next order
                .withDefault(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0")
                // small fetches per partition while catching up on a backlog: the consumer hands out
                // one partition's fetched records before the next one's, so with 1 MB fetches one
                // orders partition ran minutes of event time ahead of the others, the stream time of
                // orders-by-product passed window end + grace early, and on-time orders were dropped
                // as late (15-20% of a 200k backlog; 0-1% with 16 KB: benchmarks/RESULTS.md)
                .withDefault(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), MAX_PARTITION_FETCH_BYTES);
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
