package io.orderpipeline.join;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;

public final class CustomerJoinApp {

    public static final String SERVICE = "customer-join";

    private CustomerJoinApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnvWithHttp(SERVICE);
        // the versioned customers store is rebuilt from its changelog at each start: reopened
        // from disk, the versioned store of Kafka Streams 4.3.1 and 4.4.0 loses sight of older
        // versions (VersionedStoreReopenBugTest)
        StreamsApp app = StreamsApp.startFromChangelogs(config, CustomerJoinTopology.build());
        CustomerJoinRoutes.start(config, app);
        app.runUntilShutdown();
    }
}
