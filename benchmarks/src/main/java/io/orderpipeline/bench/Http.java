package io.orderpipeline.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.orderpipeline.bench.Benchmark.Guarantee;
import io.orderpipeline.generator.DataGenerator;
import io.orderpipeline.generator.GeneratorOptions;
import java.io.*;
import java.net.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.Utils;

/**
 * HTTP latency of product-revenue's {@code GET /stats/{product}} under open-loop load from a second JVM ({@link Load}),
 * twice on one instance: with the store at rest (orders filled it, then stopped) and with orders flowing at the latency rate.
 */
record Http(Benchmark bench) {

    /** The load client's figures (microseconds, or counts) and the orders/s meanwhile. */
    record Result(double requestRate, double feedRate, Map<String, Long> figures) {
        double ms(String figure) {
            return figures.get(figure) / 1000.0;
        }
    }

    /** Keep-alive connections of the load client: enough for 500 requests/s with answers up to ~30 ms on time. */
    static final int CONNECTIONS = 16;

    List<Result> run(double feedRate) {
        System.out.printf("HTTP: GET /stats/{product} at %d requests/s, orders at %,.0f/s:%n", bench.httpRate, feedRate);
        String appId = bench.newAppId("product-revenue-http");
        Map<String, String> env = bench.serviceEnv(appId, Guarantee.EXACTLY_ONCE_V2, 0, Map.of(), Latency.LATEST);
        String base = "http://127.0.0.1:" + env.get("HTTP_PORT");
        List<String> products = new DataGenerator(GeneratorOptions.defaults(7).withProducts(bench.products)).products();
        return bench.using(bench.service("product-revenue", appId, env).start(), appId, service -> {
            service.awaitRunning(Duration.ofSeconds(120));
            try (Latency.Feed feed = new Latency.Feed(bench, feedRate, 11, value -> true)) {
                service.awaitReady(Duration.ofSeconds(60));
                if (!Benchmark.await(List.of(service), 50, Duration.ofSeconds(60), () -> {
                    String answer = get(base + "/stats/" + products.get(0), 5000);
                    return answer.startsWith("200 ") && !answer.contains("\"hourly_revenue\":0,");
                })) {
                    throw new IllegalStateException("no revenue for the top product in 60 s");
                }
            }
            Result idle = load(appId + "-load-idle", base, products, 0);
            try (Latency.Feed feed = new Latency.Feed(bench, feedRate, 13, value -> true)) {
                return List.of(idle, load(appId + "-load", base, products, feedRate));
            }
        });
    }

    /** GET {@code url} (the harness's own queries, not the measured load): the status and the body, or "failed: " and why. */
    static String get(String url, int timeoutMs) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(timeoutMs);
            connection.setReadTimeout(timeoutMs);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return status + " " + (in == null ? "" : new String(in.readAllBytes(), UTF_8)); // read to the end: kept alive
            }
        } catch (IOException | RuntimeException e) {
            return "failed: " + e;
        }
    }

    private Result load(String name, String base, List<String> products, double feedRate) {
        List<String> args = new ArrayList<>(List.of(base, "" + bench.httpRate, "" + bench.warmup, "" + bench.measure, "" + CONNECTIONS));
        args.addAll(products);
        try (var load = bench.startMain(Load.class, name, List.of("-Xmx256m"), Map.of(), args.toArray(String[]::new))) {
            String line = load.awaitLog(Duration.ofSeconds(bench.warmup + bench.measure + 60), Load.RESULT).text();
            Map<String, Long> figures = Arrays.stream(line.substring(Load.RESULT.length()).trim().split(" ")).map(pair -> pair.split("="))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> Long.parseLong(pair[1])));
            Result r = new Result(bench.httpRate, feedRate, figures);
            System.out.printf("  GET /stats/{product} %d req/s (orders %,.0f/s): p50 %.2f ms, p99 %.2f ms, max %.1f ms; %d ok, %d not 200,"
                    + " %d failed%n", bench.httpRate, feedRate, r.ms("p50"), r.ms("p99"), r.ms("max"), figures.get("ok"),
                    figures.get("not200"), figures.get("failed"));
            return r;
        }
    }

    /**
     * The HTTP load client in its own JVM: {@code Http$Load <base url> <requests/s> <warm-up s> <measure s> <connections> <product>...}
     * sends {@code GET /stats/{product}} open loop as wrk2 does (benchmarks/README.md); raw HTTP/1.1 sockets, as the JDK's clients
     * added 0.4-1 ms at p50 and 1.5-2 ms at p99 of their own. Prints one line starting with {@value #RESULT}.
     */
    public static final class Load {
        static final String RESULT = "HTTPLOAD RESULT";

        public static void main(String[] args) throws Exception {
            URI base = URI.create(args[0]);
            double rate = Double.parseDouble(args[1]);
            List<byte[]> requests = Arrays.stream(args, 5, args.length).map(product -> ("GET " + base.getPath() + "/stats/"
                    + URLEncoder.encode(product, UTF_8) + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAccept: application/json\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toList();
            Histogram fromDue = new Histogram(Duration.ofMinutes(10).toNanos() / 1000, 3);
            Histogram fromSend = new Histogram(Duration.ofMinutes(10).toNanos() / 1000, 3);
            AtomicLong next = new AtomicLong();
            AtomicLong ok = new AtomicLong();
            AtomicLong notOk = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime() + 100_000_000;
            long measureFrom = start + Long.parseLong(args[2]) * 1_000_000_000;
            long end = measureFrom + Long.parseLong(args[3]) * 1_000_000_000;
            List<Thread> workers = new ArrayList<>();
            for (int c = 0, connections = Integer.parseInt(args[4]); c < connections; c++) {
                Thread worker = new Thread(() -> {
                    Connection connection = null;
                    for (long due; (due = start + (long) (next.getAndIncrement() * 1e9 / rate)) < end; ) {
                        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(wait);
                        }
                        boolean measured = due >= measureFrom;
                        long sent = System.nanoTime();
                        int status;
                        try {
                            connection = connection != null ? connection : new Connection(base.getHost(), base.getPort());
                            status = connection.get(requests.get(ThreadLocalRandom.current().nextInt(requests.size())));
                        } catch (IOException e) {
                            if (measured && failed.incrementAndGet() <= 3) {
                                System.out.println("request failed: " + e);
                            }
                            Utils.closeQuietly(connection, "an HTTP connection");
                            connection = null;
                            continue;
                        }
                        long now = System.nanoTime();
                        if (measured) {
                            synchronized (fromDue) {
                                fromDue.recordValue((now - due) / 1000);
                                fromSend.recordValue((now - sent) / 1000);
                            }
                            (status == 200 ? ok : notOk).incrementAndGet();
                        }
                    }
                    Utils.closeQuietly(connection, "an HTTP connection");
                }, "load-" + c);
                worker.start();
                workers.add(worker);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            System.out.println(String.format(Locale.ROOT,
                    "%s ok=%d not200=%d failed=%d p50=%d p99=%d p999=%d max=%d send_p50=%d send_p99=%d send_max=%d", RESULT, ok.get(),
                    notOk.get(), failed.get(), fromDue.getValueAtPercentile(50), fromDue.getValueAtPercentile(99),
                    fromDue.getValueAtPercentile(99.9), fromDue.getMaxValue(), fromSend.getValueAtPercentile(50),
                    fromSend.getValueAtPercentile(99), fromSend.getMaxValue()));
        }
    }

    /** One keep-alive HTTP/1.1 connection: sends a request, reads the status and a Content-Length body. */
    private static final class Connection implements Closeable {
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final InputStream in;

        Connection(String host, int port) throws IOException {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        int get(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            int status = Integer.parseInt(line().split(" ")[1]);
            int length = -1;
            boolean close = false;
            for (String header; !(header = line().toLowerCase(Locale.ROOT)).isEmpty(); ) {
                if (header.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
                close |= header.startsWith("connection:") && header.contains("close");
            }
            if (length < 0 || in.readNBytes(length).length != length || close) {
                throw new IOException(length < 0 ? "no Content-Length in the answer (status " + status + ")"
                        : close ? "server closed the connection" : "answer cut short");
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
