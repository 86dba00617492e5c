package io.orderpipeline.enricher;

import io.orderpipeline.common.ServiceConfig;
import io.orderpipeline.common.StreamsApp;

public final class OrderEnricherApp {

    public static void main(String[] args) {
        StreamsApp.start(ServiceConfig.fromEnv("order-enricher"), OrderEnricherTopology.build()).runUntilShutdown();
    }
}
