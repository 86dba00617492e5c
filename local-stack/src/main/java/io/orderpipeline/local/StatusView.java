package io.orderpipeline.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** Renders a {@link Status} as the compact block printed every two seconds. Pure: no I/O. */
final class StatusView {

    static final List<String> TRY = List.of(
            "curl localhost:8080/stats/keyboard",
            "curl localhost:8080/revenue");

    private StatusView() {
    }

    static List<String> render(Status status) {
        List<String> lines = new ArrayList<>();
        lines.add("order-pipeline local stack · up " + uptime(status.uptime()) + " · broker " + status.bootstrapServers());
        lines.add(row("orders produced", count(status.ordersProduced()) + "   " + generator(status.generator())));
        for (Status.Service service : status.services()) {
            lines.add(row(service.process().name(), service(service)));
        }
        lines.add(row("alerts raised", count(status.alertsRaised())));
        lines.add(row("top products", topProducts(status.topProducts()) + "  (this hour)"));
        lines.add("try:  " + TRY.get(0));
        TRY.subList(1, TRY.size()).forEach(line -> lines.add("      " + line));
        // a customer who surely has orders: the latest one alerted
        lines.add("      curl localhost:8081/customers/"
                + (status.alertedCustomer() == null ? "{customer_id}" : status.alertedCustomer()) + "/stats");
        lines.add("logs in .local-stack/logs/ · Ctrl-C stops everything");
        return lines;
    }

    private static String row(String label, String value) {
        return String.format(Locale.ROOT, "  %-17s %s", label, value);
    }

    private static String service(Status.Service service) {
        Status.Child process = service.process();
        if (!process.alive()) {
            return "DIED (exit code " + process.exitCode().getAsInt() + "), see " + process.log();
        }
        String lag = service.lag().isPresent() ? "lag " + format(service.lag().getAsLong()) : "starting";
        String state = String.format(Locale.ROOT, "%-16s %-14s", lag, service.health());
        return service.httpPort() > 0 ? String.format(Locale.ROOT, "%s http :%d", state, service.httpPort()) : state.stripTrailing();
    }

    private static String generator(Status.Child generator) {
        if (generator.alive()) {
            return "(" + generator.name() + " running)";
        }
        int code = generator.exitCode().getAsInt();
        return code == 0 ? "(" + generator.name() + " finished)"
                : "(" + generator.name() + " DIED, exit code " + code + ", see " + generator.log() + ")";
    }

    private static String topProducts(Status.TopProducts top) {
        if (top.unavailable() != null) {
            return top.unavailable();
        }
        if (top.products().isEmpty()) {
            return "no sales yet";
        }
        return top.products().stream()
                .map(p -> p.product() + " " + p.revenue().toPlainString() + " (" + p.orders() + ")")
                .collect(Collectors.joining(" · "));
    }

    private static String count(OptionalLong value) {
        return value.isPresent() ? format(value.getAsLong()) : "?";
    }

    private static String format(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String uptime(Duration uptime) {
        long seconds = uptime.toSeconds();
        return seconds < 60 ? seconds + "s"
                : seconds < 3600 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60)
                : String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
