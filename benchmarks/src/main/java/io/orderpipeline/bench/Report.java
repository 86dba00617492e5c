package io.orderpipeline.bench;

import io.orderpipeline.bench.Benchmark.Guarantee;
import io.orderpipeline.bench.Ceiling.Kind;
import java.io.IOException;
import java.nio.file.*;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.*;
import java.util.function.ToDoubleFunction;
import java.util.stream.*;
import org.apache.kafka.common.utils.internals.AppInfoParser;

/**
 * Every phase's results as markdown tables, each throughput figure with its ratio to the non-blocking copies around it.
 * What the columns mean is in benchmarks/README.md; what the figures say, in RESULTS.md.
 */
record Report(Benchmark o, Instant started, String loadAtStart, Preload.Result preload, List<Throughput.Result> throughput,
        List<Latency.Result> latency, List<Http.Result> http, List<Restart.Result> restarts, List<String> notes) {

    String markdown() {
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append("`benchmarks/run ").append(o.args).append("` on ").append(started.truncatedTo(ChronoUnit.SECONDS))
                .append(o.label.isEmpty() ? "" : "; " + o.label).append(".\n");
        if (!o.env.isEmpty()) {
            md.append("Extra service environment: `").append(o.env).append("`.\n");
        }
        o.variants.forEach((name, env) -> md.append(name.isEmpty() ? "" : "Variant `" + name + "`: `" + env + "`.\n"));
        table(md, "Machine and data", List.of("", ""), List.of(
                List.of("CPU", Runtime.getRuntime().availableProcessors() + " cores, " + proc("/proc/cpuinfo", "model name")),
                List.of("memory", f("%.1f GB", Long.parseLong(("0" + proc("/proc/meminfo", "MemTotal")).replaceAll("[^0-9]", "")) / 1048576.0)),
                List.of("load average (1/5/15 min) at start / end", loadAtStart + " / " + Benchmark.loadAverage()),
                List.of("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")),
                List.of("Kafka", AppInfoParser.getVersion() + "; one broker (KRaft, own JVM, -Xmx1g), 3 partitions per topic"),
                List.of("input", preload == null ? "-" : f("%,d orders (avg %.0f bytes, event times ascending over %d h) over %,d customers"
                        + " and %d products + %,d customer records, preloaded in %.1f s", preload.orders(), preload.avgOrderBytes(),
                        Preload.SPAN.toHours(), o.customers, o.products, preload.customerRecords(), preload.elapsed().toMillis() / 1e3)),
                List.of("services", "`java " + o.jvm + " -jar <service>.jar`, the ceilings with the same flags")));
        throughputTables(md);
        Optional<Latency.Result> copy = latency.stream().filter(r -> r.subject().equals(Kind.NON_BLOCKING.subject)).findFirst();
        table(md, "End-to-end latency at a steady rate (exactly-once, default commit interval)", List.of("subject", "orders/s", "p50 ms",
                "p99 ms", "p99.9 ms", "max ms", "p50 x copy", "p99 x copy", "outputs measured"), latency.stream().map(r -> List.of(r.subject(),
                f("%,.0f", r.rate()), f("%.0f", r.ms(50)), f("%.0f", r.ms(99)), f("%.0f", r.ms(99.9)), f("%.0f", r.ms(100)),
                copy.map(c -> f("%.1f", r.ms(50) / c.ms(50))).orElse("-"), copy.map(c -> f("%.1f", r.ms(99) / c.ms(99))).orElse("-"),
                f("%,d of %,d", r.seen(), r.expected()))).toList());
        table(md, "HTTP latency: `GET /stats/{product}` on product-revenue, open loop, from the due time (and from the send)",
                List.of("requests/s", "orders/s meanwhile", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "from send p50 / p99 / max ms", "200",
                        "not 200", "failed"), http.stream().map(h -> List.of(f("%.0f", h.requestRate()), f("%,.0f", h.feedRate()),
                        f("%.2f", h.ms("p50")), f("%.2f", h.ms("p99")), f("%.2f", h.ms("p999")), f("%.1f", h.ms("max")),
                        f("%.2f / %.2f / %.1f", h.ms("send_p50"), h.ms("send_p99"), h.ms("send_max")), "" + h.figures().get("ok"),
                        "" + h.figures().get("not200"), "" + h.figures().get("failed"))).toList());
        table(md, "Restart and restore: customer-stats, exactly-once (seconds from the restart)", List.of("event", "variant", "membership",
                "standbys", "instances", "customers in state", "to RUNNING", "to queryable", "survivor queryable", "to every partition"
                        + " processing", "per partition", "changelog records restored", "load at the restart", "state"),
                restarts.stream().map(r -> List.of(r.event(), r.variant().isEmpty() ? "default" : r.variant(),
                        r.membership().name().toLowerCase(), "" + r.standbys(), "" + r.instances(), f("%,d", r.customers()),
                        f("%.1f", r.toRunning()), f("%.1f", r.queryable()), f("%.1f", r.survivorQueryable()), f("%.1f", r.processing()),
                        r.perPartition().stream().map(s -> f("%.1f", s)).toList().toString(), f("%,d", r.restored()), r.load(),
                        (r.exact() ? "exact (" : "**WRONG** (") + r.detail() + ")")).toList());
        targets(md);
        o.failures.forEach(f -> md.append("- FAILED ").append(f).append('\n'));
        notes.forEach(n -> md.append("- ").append(n).append('\n'));
        return md.toString();
    }

    private void throughputTables(StringBuilder md) {
        table(md, "Throughput: draining the preloaded input", List.of("subject", "guarantee", "commit.interval.ms", "records/s", "x copy",
                "steady records/s", "steady x copy", "drain s", "start to RUNNING s", "CPU s/1M orders", "broker CPU s/1M", "CPU-bound x copy",
                "peak RSS MB"), throughput.stream().map(r -> List.of(r.subject(), r.guarantee().config(), "" + r.commitIntervalMs(),
                f("%,.0f", r.perSecond()), f("%.2f", ratio(r)), f("%,.0f", r.steadyPerSecond()),
                f("%.2f", r.steadyPerSecond() / reference(r, Throughput.Result::steadyPerSecond)), f("%.1f", r.seconds()),
                f("%.1f", r.startupSeconds()), f("%.1f", r.cpuPerMillion()), f("%.1f", r.brokerCpuPerMillion()), f("%.2f", cpuBound(r)),
                f("%.0f", r.peakRssMb()))).toList());
        table(md, "product-revenue: every order counted (read_committed output against the input)", List.of("subject", "guarantee",
                "commit.interval.ms", "windows", "orders counted", "expected", "on product-revenue-late", "expected", "check"),
                throughput.stream().filter(r -> r.revenue() != null).map(r -> List.of(r.subject(), r.guarantee().config(),
                        "" + r.commitIntervalMs(), f("%,d", r.revenue().windows()), f("%,d", r.revenue().counted()),
                        f("%,d", r.revenue().expectedCounted()), f("%,d", r.revenue().late()), f("%,d", r.revenue().expectedLate()),
                        r.revenue().exact() ? "equal" : "**MISMATCH**")).toList());
        if (o.repeat > 1) {
            Map<String, List<Throughput.Result>> groups = throughput.stream().collect(Collectors.groupingBy(
                    r -> r.subject() + " | " + r.guarantee().config() + " | " + r.commitIntervalMs(), LinkedHashMap::new, Collectors.toList()));
            table(md, "Medians over the repeats", List.of("subject | guarantee | commit.interval.ms", "runs", "records/s", "x copy",
                    "steady x copy", "CPU s/1M", "broker CPU s/1M", "CPU-bound x copy"), groups.entrySet().stream().map(g -> List.of(g.getKey(),
                    "" + g.getValue().size(), f("%,.0f", median(g.getValue(), Throughput.Result::perSecond)), f("%.2f", median(g.getValue(),
                    this::ratio)), f("%.2f", median(g.getValue(), r -> r.steadyPerSecond() / reference(r, Throughput.Result::steadyPerSecond))),
                    f("%.1f", median(g.getValue(), Throughput.Result::cpuPerMillion)), f("%.1f", median(g.getValue(),
                    Throughput.Result::brokerCpuPerMillion)), f("%.2f", median(g.getValue(), this::cpuBound)))).toList());
        }
        var copies = throughput.stream().filter(Throughput.Result::isCopy).mapToDouble(Throughput.Result::perSecond).summaryStatistics();
        if (copies.getCount() > 0) {
            md.append(f("The non-blocking copy ranged from %,.0f to %,.0f records/s in this run.%n%n", copies.getMin(), copies.getMax()));
        }
    }

    /**
     * The reference of a figure: the mean of the non-blocking copies right before and after it (the load of a shared machine
     * drifts), or of every copy for a copy itself; a copy whose figure is NaN is passed over.
     */
    double reference(Throughput.Result r, ToDoubleFunction<Throughput.Result> figure) {
        int at = throughput.indexOf(r);
        List<Double> around = new ArrayList<>();
        for (int step : new int[] {-1, 1}) {
            IntStream.iterate(at + step, i -> !r.isCopy() && i >= 0 && i < throughput.size(), i -> i + step).mapToObj(throughput::get)
                    .filter(Throughput.Result::isCopy).mapToDouble(figure).filter(Double::isFinite).findFirst().ifPresent(around::add);
        }
        List<Double> copies = around.isEmpty() ? throughput.stream().filter(Throughput.Result::isCopy).map(figure::applyAsDouble)
                .filter(Double::isFinite).toList() : around;
        return copies.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double ratio(Throughput.Result r) {
        return r.perSecond() / reference(r, Throughput.Result::perSecond);
    }

    /** The copy's CPU per record (its JVM + the broker) over the subject's: the ratio if CPU alone set the throughput. */
    private double cpuBound(Throughput.Result r) {
        return reference(r, c -> c.cpuPerMillion() + c.brokerCpuPerMillion()) / (r.cpuPerMillion() + r.brokerCpuPerMillion());
    }

    /** The targets (benchmarks/README.md, Reading the table), each beside the {@link StreamsFloor} no streams app can beat. */
    private void targets(StringBuilder md) {
        long commit = o.commitIntervals.get(0);
        double loopCpu = throughput.stream().filter(r -> r.subject().equals(Kind.TRANSACTIONAL.subject))
                .mapToDouble(Throughput.Result::cpuPerMillion).average().orElse(Double.NaN);
        List<List<String>> rows = new ArrayList<>();
        for (String s : o.services) {
            double share = switch (s) {
                case "order-filter" -> 0.80;
                case "order-enricher" -> 0.70;
                case "product-revenue" -> 1.20;
                default -> 0.50;
            };
            Optional<Throughput.Result> floor = find((List.of("customer-stats", "customer-join").contains(s) ? StreamsFloor.Kind.REPARTITION
                    : StreamsFloor.Kind.COPY).subject, Guarantee.EXACTLY_ONCE_V2, 100);
            Optional<Throughput.Result> eos = find(s, Guarantee.EXACTLY_ONCE_V2, commit);
            Optional<Throughput.Result> alos = find(s, Guarantee.AT_LEAST_ONCE, commit);
            eos.ifPresent(e -> rows.add(List.of(f("%s exactly-once >= %.2f x the copy", s, share), f("%.2f", ratio(e)),
                    floor.map(r -> f("%.2f", ratio(r))).orElse("-"), verdict(ratio(e) >= share))));
            double cpuBound = s.equals("product-revenue") ? 12 : (List.of("order-filter", "order-enricher").contains(s) ? 1.5 : 3) * loopCpu;
            eos.filter(e -> Double.isFinite(cpuBound)).ifPresent(e -> rows.add(List.of(f("%s CPU s/1M <= %.1f", s, cpuBound),
                    f("%.1f", e.cpuPerMillion()), floor.map(r -> f("%.1f", r.cpuPerMillion())).orElse("-"),
                    verdict(e.cpuPerMillion() <= cpuBound))));
            eos.flatMap(e -> alos.map(a -> ratio(e) / ratio(a))).ifPresent(x -> rows.add(List.of(s + " exactly-once >= 0.85 x at-least-once",
                    f("%.2f", x), "-", verdict(x >= 0.85))));
        }
        http.forEach(h -> rows.add(List.of(f("HTTP p99 < 10 ms at %.0f requests/s, orders %,.0f/s", h.requestRate(), h.feedRate()),
                f("%.2f ms", h.ms("p99")), "-", verdict(h.ms("p99") < 10 && h.figures().get("failed") == 0))));
        table(md, "Targets", List.of("target", "this run", "Kafka Streams' floor", "holds"), rows);
    }

    private Optional<Throughput.Result> find(String subject, Guarantee guarantee, long commitMs) {
        return throughput.stream().filter(r -> r.subject().equals(subject) && r.guarantee() == guarantee
                && r.commitIntervalMs() == commitMs).findFirst();
    }

    private static String verdict(boolean holds) {
        return holds ? "yes" : "**no**";
    }

    private static double median(List<Throughput.Result> runs, ToDoubleFunction<Throughput.Result> figure) {
        double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A markdown table under a heading; nothing without rows. Text columns left, figures right. */
    private static void table(StringBuilder md, String title, List<String> header, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        md.append("\n## ").append(title).append("\n\n| ").append(String.join(" | ", header)).append(" |\n|");
        for (String cell : String.join(" | ", rows.get(0)).split(" \\| ")) { // a cell may hold several columns ("a | b")
            md.append(cell.matches("[-0-9.,% ]+") ? "---:|" : "---|");
        }
        rows.forEach(row -> md.append("\n| ").append(String.join(" | ", row)).append(" |"));
        md.append("\n\n");
    }

    /** A formatted figure; "-" where it could not be measured (NaN). */
    private static String f(String format, Object... values) {
        boolean unmeasured = Arrays.stream(values).anyMatch(v -> v instanceof Double d && !Double.isFinite(d));
        return unmeasured ? "-" : String.format(Locale.ROOT, format, values);
    }

    private static String proc(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
