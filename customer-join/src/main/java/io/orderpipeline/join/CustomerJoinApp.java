package io.orderpipeline.join;

import io.orderpipeline.common.Services;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

public final class CustomerJoinApp {

    /**
     * The least {@code max.task.idle.ms} of customer-join ({@link #config}): how long the join's task
     * waits for {@code customers-by-id} when that partition is caught up and orders are waiting.
     * Customers and orders reach the join through two repartition topics, and under exactly-once a
     * customer written there becomes readable only when the transaction of the task that wrote it
     * commits, up to one commit interval later: without waiting, an order read first is joined as
     * "Unknown" though its customer came before it (RestartIT saw it at 100 ms commits, CrashIT at
     * 5 s commits with a 1 s wait). Kafka's default, 0, waits only for data already on the broker.
     * The cost: up to this long after each lull in customer updates, once per task.
     */
    static final long MIN_TASK_IDLE_MS = 1000;

    /**
     * The service's configuration: the environment's, with customer-join's own task idling (a
     * {@code KAFKA_MAX_TASK_IDLE_MS} variable still wins): under exactly-once twice the commit
     * interval, at least {@value #MIN_TASK_IDLE_MS} ms (100 ms commits: 1 s); under at-least-once,
     * where a customer is readable as soon as it is written, {@value #MIN_TASK_IDLE_MS} ms.
     */
    static ServiceConfig config(ServiceConfig fromEnvironment) {
        Properties props = fromEnvironment.streamsProperties();
        boolean exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        // Kafka Streams' default commit interval: 100 ms under exactly-once
        long commitMs = Long.parseLong(props.getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100").trim());
        long idleMs = exactlyOnce ? Math.max(MIN_TASK_IDLE_MS, 2 * commitMs) : MIN_TASK_IDLE_MS;
        return fromEnvironment.withDefault(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, String.valueOf(idleMs));
    }

    public static void main(String[] args) {
        ServiceConfig config = config(ServiceConfig.fromEnv(Services.CUSTOMER_JOIN));
        // the versioned customers store is rebuilt from its changelog at each start: reopened
        // from disk, the versioned store of Kafka Streams 4.3.1 and 4.4.0 loses sight of older
        // versions (VersionedStoreReopenBugTest)
        try (StreamsApp app = StreamsApp.createFromChangelogs(config, CustomerJoinTopology.build());
                HttpServer http = CustomerJoinRoutes.start(config, app.streams())) {
            app.run();
        }
    }
}
