package io.orderpipeline.common;

import static io.orderpipeline.common.Topics.CUSTOMERS;
import static io.orderpipeline.common.Topics.CUSTOMER_ALERTS;
import static io.orderpipeline.common.Topics.CUSTOMER_ENRICHED_ORDERS;
import static io.orderpipeline.common.Topics.ENRICHED_ORDERS;
import static io.orderpipeline.common.Topics.HIGH_VALUE_ORDERS;
import static io.orderpipeline.common.Topics.ORDERS;
import static io.orderpipeline.common.Topics.PRODUCT_REVENUE_HOURLY;
import static io.orderpipeline.common.Topics.PRODUCT_REVENUE_LATE;

import java.util.List;
import java.util.stream.Stream;

/**
 * The one inventory of the suite: every service, what it reads and writes, whether it serves
 * queries, its port on the host. The services' mains, the local stack, the end-to-end tests and the
 * benchmark read it; docker-compose.yml and deploy/kubernetes are checked against it by e2e-tests'
 * ComposeEnvironmentIT and KubernetesManifestsIT.
 */
public final class Services {

    public static final Service ORDER_FILTER = new Service("order-filter", List.of(ORDERS), List.of(HIGH_VALUE_ORDERS), false, 8083);
    public static final Service ORDER_ENRICHER = new Service("order-enricher", List.of(ORDERS), List.of(ENRICHED_ORDERS), false, 8084);
    public static final Service CUSTOMER_STATS =
            new Service("customer-stats", List.of(ORDERS), List.of(Topics.CUSTOMER_STATS, CUSTOMER_ALERTS), true, 8081);
    public static final Service PRODUCT_REVENUE =
            new Service("product-revenue", List.of(ORDERS), List.of(PRODUCT_REVENUE_HOURLY, PRODUCT_REVENUE_LATE), true, 8080);
    public static final Service CUSTOMER_JOIN =
            new Service("customer-join", List.of(ORDERS, CUSTOMERS), List.of(CUSTOMER_ENRICHED_ORDERS), true, 8082);

    /** Every service, in pipeline order. */
    public static final List<Service> ALL = List.of(ORDER_FILTER, ORDER_ENRICHER, CUSTOMER_STATS, PRODUCT_REVENUE, CUSTOMER_JOIN);

    /** The name (and default application id) of every service, in pipeline order. */
    public static final List<String> NAMES = ALL.stream().map(Service::name).toList();

    /** The contract's topics (not the dead-letter topics): the services' inputs, then their outputs. */
    public static final List<Topic<String, ?>> TOPICS = Stream.concat(
            ALL.stream().flatMap(s -> s.inputs().stream()), ALL.stream().flatMap(s -> s.outputs().stream()))
            .distinct().toList();

    private Services() {
    }

    /** The service called {@code name}. */
    public static Service named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name + " (one of " + NAMES + ")"));
    }
}
