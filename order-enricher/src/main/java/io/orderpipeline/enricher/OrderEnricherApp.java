package io.orderpipeline.enricher;

import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;

public final class OrderEnricherApp {

    public static final String SERVICE = "order-enricher";

    private OrderEnricherApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnv(SERVICE);
        StreamsApp app = StreamsApp.create(config, OrderEnricherTopology.build());
        HttpServer http = HttpServer.startManagement(config, app.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            app.close();
        }, SERVICE + "-shutdown"));
        app.run();
    }
}
