package io.orderpipeline.filter;

import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import io.orderpipeline.http.HttpServer;

public final class OrderFilterApp {

    public static final String SERVICE = "order-filter";

    private OrderFilterApp() {
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnv(SERVICE);
        StreamsApp app = StreamsApp.start(config, OrderFilterTopology.build());
        HttpServer.startManagementFor(app, config);
        app.runUntilShutdown();
    }
}
