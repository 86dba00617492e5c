package io.orderpipeline.filter;

import io.orderpipeline.common.Services;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;

public final class OrderFilterApp {

    public static void main(String[] args) {
        try (StreamsApp app = StreamsApp.create(ServiceConfig.fromEnv(Services.ORDER_FILTER), OrderFilterTopology.build());
                HttpServer http = HttpServer.startManagement(app.config(), app.streams())) {
            app.run();
        }
    }
}
