package io.orderpipeline.join;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;

public final class CustomerJoinApp {

    public static void main(String[] args) {
        StreamsApp.start(ServiceConfig.fromEnv("customer-join"), CustomerJoinTopology.build()).runUntilShutdown();
    }
}
