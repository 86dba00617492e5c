package io.orderpipeline.filter;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;

public final class OrderFilterApp {

    public static void main(String[] args) {
        StreamsApp.start(ServiceConfig.fromEnv("order-filter"), OrderFilterTopology.build()).runUntilShutdown();
    }
}
