package io.orderpipeline.enricher;

import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import io.orderpipeline.http.HttpServer;

public final class OrderEnricherApp {

    public static final String SERVICE = "order-enricher";

    private OrderEnricherApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnv(SERVICE);
        StreamsApp app = StreamsApp.start(config, OrderEnricherTopology.build());
        HttpServer.startManagementFor(app, config);
        app.runUntilShutdown();
    }
}
