package io.orderpipeline.bench;

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
 * HTTP latency of product-revenue's {@code GET /stats/{product}} under a steady open-loop load from
 * a second process ({@link HttpLoad}), while orders keep flowing into the store at the feed rate.
 */
final class HttpBench {

    /** The load client's figures (microseconds) and what the service did meanwhile. */
    record Result(double requestRate, double feedRate, Map<String, Long> figures) {

        double ms(String figure) {
            return figures.get(figure) / 1000.0;
        }

        long count(String figure) {
            return figures.get(figure);
        }
    }

    /** Keep-alive connections of the load client: enough for 500 requests/s with answers up to ~30 ms on time. */
    static final int CONNECTIONS = 16;

    private final Bench bench;

    HttpBench(Bench bench) {
        this.bench = bench;
    }

    /**
     * Two measurements on one product-revenue instance: with the store at rest (orders filled it
     * first, then stopped), and with orders flowing in at {@code feedRate}.
     */
    List<Result> run(double feedRate) {
        String appId = bench.newAppId("product-revenue-http");
        Map<String, String> env = bench.serviceEnv(appId, Options.EOS, 0);
        env.put("KAFKA_AUTO_OFFSET_RESET", "latest");
        env.putAll(bench.options.env);
        String base = "http://127.0.0.1:" + Bench.httpPort(env);
        List<String> products = new DataGenerator(GeneratorOptions.defaults(7).withProducts(bench.options.products)).products();
        Proc service = bench.startService("product-revenue", appId, env);
        try {
            service.awaitRunning(Duration.ofSeconds(120));
            List<Result> results = new ArrayList<>();
            try (Feed feed = new Feed(bench.bootstrap(), feedRate, bench.options.customers, bench.options.products, 11,
                    Latency.EVERY_ORDER)) {
                feed.start();
                HttpClient client = HttpClient.newHttpClient();
                awaitAnswer(client, service, base + "/health/ready", body -> true);
                awaitAnswer(client, service, base + "/stats/" + products.get(0), body -> !body.contains("\"hourly_revenue\":0,"));
            }
            results.add(load(appId + "-load-idle", base, products, 0));
            try (Feed feed = new Feed(bench.bootstrap(), feedRate, bench.options.customers, bench.options.products, 13,
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

    /** Runs {@link HttpLoad} in its own JVM and reads its result line. */
    private Result load(String name, String base, List<String> products, double feedRate) {
        List<String> args = new ArrayList<>(List.of(base, String.valueOf(bench.options.httpRate),
                String.valueOf(bench.options.warmupSeconds), String.valueOf(bench.options.measureSeconds),
                String.valueOf(CONNECTIONS)));
        args.addAll(products);
        Proc load = bench.startMain(HttpLoad.class, name, List.of("-Xmx256m"), args.toArray(String[]::new));
        try {
            String line = load.await(text -> text.startsWith(HttpLoad.RESULT),
                    bench.options.warmup().plus(bench.options.measure()).plusSeconds(60)).text();
            Map<String, Long> figures = new HashMap<>();
            for (String pair : line.substring(HttpLoad.RESULT.length()).trim().split(" ")) {
                String[] kv = pair.split("=");
                figures.put(kv[0], Long.parseLong(kv[1]));
            }
            Result result = new Result(bench.options.httpRate, feedRate, figures);
            System.out.printf("  GET /stats/{product} %d req/s (orders %,.0f/s): p50 %.2f ms, p99 %.2f ms, max %.1f ms;"
                    + " %d ok, %d not 200, %d failed%n", bench.options.httpRate, feedRate, result.ms("p50"),
                    result.ms("p99"), result.ms("max"), result.count("ok"), result.count("not200"), result.count("failed"));
            return result;
        } finally {
            load.stop(Duration.ofSeconds(5));
        }
    }

    /** Polls {@code url} until it answers 200 with a body {@code accept} takes (60 s at most). */
    static void awaitAnswer(HttpClient client, Proc service, String url, Predicate<String> accept) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            service.requireAlive();
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
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
            Throughput.sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException(url + " did not answer as expected within 60 s; last: " + last);
    }
}
