package io.orderpipeline.filter;

import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;

public final class OrderFilterApp {

    public static final String SERVICE = "order-filter";

    private OrderFilterApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnv(SERVICE);
        StreamsApp app = StreamsApp.create(config, OrderFilterTopology.build());
        HttpServer http = HttpServer.startManagement(config, app.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            app.close();
        }, SERVICE + "-shutdown"));
        app.run();
    }
}
