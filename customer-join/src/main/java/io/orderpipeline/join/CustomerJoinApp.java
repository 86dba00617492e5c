package io.orderpipeline.join;

import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import org.apache.kafka.streams.StreamsConfig;

public final class CustomerJoinApp {

    public static final String SERVICE = "customer-join";
    /**
     * Kafka Streams' {@code max.task.idle.ms} for customer-join (a {@code KAFKA_MAX_TASK_IDLE_MS}
     * variable still wins): how long the join's task waits for {@code customers-by-id} when that
     * partition is caught up and orders are waiting. Customers and orders reach the join through
     * two repartition topics, and under exactly-once a customer written there becomes readable only
     * when the transaction of the task that wrote it commits (every 100 ms): without waiting, an
     * order read first is joined as "Unknown" though its customer came before it (RestartIT saw
     * it). Kafka's default, 0, waits only for data already on the broker. The cost: up to this
     * long after each lull in customer updates, once per task.
     */
    static final String MAX_TASK_IDLE_MS = "1000";

    private CustomerJoinApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = config(ServiceConfig.fromEnvWithHttp(SERVICE));
        // the versioned customers store is rebuilt from its changelog at each start: reopened
        // from disk, the versioned store of Kafka Streams 4.3.1 and 4.4.0 loses sight of older
        // versions (VersionedStoreReopenBugTest)
        StreamsApp app = StreamsApp.createFromChangelogs(config, CustomerJoinTopology.build());
        HttpServer http = CustomerJoinRoutes.start(config, app.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            app.close();
        }, SERVICE + "-shutdown"));
        app.run();
    }

    /** The service's configuration: the environment's, with customer-join's own task idling. */
    static ServiceConfig config(ServiceConfig fromEnvironment) {
        return fromEnvironment.withDefault(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE_MS);
    }
}
