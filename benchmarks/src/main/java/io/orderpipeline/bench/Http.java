package io.orderpipeline.bench;

import io.orderpipeline.launch.ServiceProcess;
import io.orderpipeline.bench.Benchmark.Guarantee;
import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratorOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * HTTP latency of product-revenue's {@code GET /stats/{product}} under open-loop load from a second JVM ({@link HttpLoad}),
 * twice on one instance: with the store at rest (orders filled it, then stopped) and with orders flowing at the latency rate.
 */
final class Http {

    /** The load client's figures (microseconds, or counts) and the orders/s meanwhile. */
    record Result(double requestRate, double feedRate, Map<String, Long> figures) {

        double ms(String figure) {
            return figures.get(figure) / 1000.0;
        }
    }

    /** Keep-alive connections of the load client: enough for 500 requests/s with answers up to ~30 ms on time. */
    static final int CONNECTIONS = 16;

    private final Benchmark bench;

    Http(Benchmark bench) {
        this.bench = bench;
    }

    List<Result> run(double feedRate) {
        System.out.printf("HTTP: GET /stats/{product} at %d requests/s, orders at %,.0f/s:%n", bench.httpRate, feedRate);
        String appId = bench.newAppId("product-revenue-http");
        Map<String, String> env = bench.serviceEnv(appId, Guarantee.EXACTLY_ONCE_V2, 0);
        env.put("KAFKA_AUTO_OFFSET_RESET", "latest");
        String base = "http://127.0.0.1:" + env.get("HTTP_PORT");
        List<String> products = new DataGenerator(GeneratorOptions.defaults(7).withProducts(bench.products)).products();
        ServiceProcess service = bench.startService("product-revenue", appId, env);
        try {
            service.awaitRunning(Duration.ofSeconds(120));
            List<Result> results = new ArrayList<>();
            try (Latency.Feed feed = new Latency.Feed(bench.cluster.bootstrap(), feedRate, bench.customers, bench.products, 11,
                    Latency.EVERY_ORDER)) {
                feed.start();
                awaitAnswer(service, base + "/health/ready", body -> true);
                awaitAnswer(service, base + "/stats/" + products.get(0), body -> !body.contains("\"hourly_revenue\":0,"));
            }
            results.add(load(appId + "-load-idle", base, products, 0));
            try (Latency.Feed feed = new Latency.Feed(bench.cluster.bootstrap(), feedRate, bench.customers, bench.products, 13,
                    Latency.EVERY_ORDER)) {
                feed.start();
                results.add(load(appId + "-load", base, products, feedRate));
            }
            return results;
        } finally {
            service.stop(Duration.ofSeconds(40));
            bench.cluster.deleteAppTopics(appId);
        }
    }

    private Result load(String name, String base, List<String> products, double feedRate) {
        List<String> args = new ArrayList<>(List.of(base, "" + bench.httpRate, "" + bench.warmup, "" + bench.measure, "" + CONNECTIONS));
        args.addAll(products);
        try (ServiceProcess load = bench.startMain(HttpLoad.class, name, List.of("-Xmx256m"), args.toArray(String[]::new))) {
            String line = load.await(text -> text.startsWith(HttpLoad.RESULT), Duration.ofSeconds(bench.warmup + bench.measure + 60), 0).text();
            Map<String, Long> figures = new HashMap<>();
            for (String pair : line.substring(HttpLoad.RESULT.length()).trim().split(" ")) {
                figures.put(pair.split("=")[0], Long.parseLong(pair.split("=")[1]));
            }
            Result r = new Result(bench.httpRate, feedRate, figures);
            System.out.printf("  GET /stats/{product} %d req/s (orders %,.0f/s): p50 %.2f ms, p99 %.2f ms, max %.1f ms; %d ok, %d not 200,"
                    + " %d failed%n", bench.httpRate, feedRate, r.ms("p50"), r.ms("p99"), r.ms("max"), figures.get("ok"),
                    figures.get("not200"), figures.get("failed"));
            return r;
        }
    }

    /** Polls {@code url} until it answers 200 with a body {@code accept} takes (60 s at most). */
    private static void awaitAnswer(ServiceProcess service, String url, Predicate<String> accept) {
        HttpClient client = HttpClient.newHttpClient();
        String last = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Benchmark.sleep(100)) {
            service.requireAlive();
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && accept.test(response.body())) {
                    return;
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(url + " did not answer as expected within 60 s; last: " + last);
    }
}
