package io.orderpipeline.join;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;

public final class CustomerJoinApp {

    public static void main(String[] args) {
        // the versioned customers store is rebuilt from its changelog at each start: reopened
        // from disk, Kafka Streams 4.3.1's versioned store loses sight of older versions
        StreamsApp.startFromChangelogs(ServiceConfig.fromEnv("customer-join"), CustomerJoinTopology.build()).runUntilShutdown();
    }
}
