package io.orderpipeline.stats;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Services;
import io.orderpipeline.http.HttpServer;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.math.BigDecimal;
import org.apache.kafka.streams.Topology;

public final class CustomerStatsApp {

    /** The total a customer must go over to raise an alert; a decimal, default 10000. */
    public static final String ALERT_THRESHOLD = EnvVariable.ALERT_THRESHOLD.name();
    public static final BigDecimal DEFAULT_ALERT_THRESHOLD = new BigDecimal("10000");

    /** The service's topology, configured from {@code config}. */
    public static Topology topology(ServiceConfig config) {
        return CustomerStatsTopology.build(alertThreshold(config));
    }

    static BigDecimal alertThreshold(ServiceConfig config) {
        String value = config.get(ALERT_THRESHOLD, null);
        if (value == null) {
            return DEFAULT_ALERT_THRESHOLD;
        }
        try {
            BigDecimal threshold = new BigDecimal(value);
            if (threshold.signum() >= 0) {
                return threshold;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(ALERT_THRESHOLD + " must be a decimal number >= 0, got '" + value + "'");
    }

    public static void main(String[] args) {
        ServiceConfig config = ServiceConfig.fromEnv(Services.CUSTOMER_STATS);
        try (StreamsApp app = StreamsApp.create(config, topology(config));
                HttpServer http = CustomerStatsRoutes.start(config, app.streams())) {
            app.run();
        }
    }
}
