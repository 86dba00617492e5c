package io.orderpipeline.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The HTTP load client, run as its own process: {@code HttpLoad <base url> <requests/s> <warm-up s>
 * <measure s> <product>...} sends {@code GET /stats/{product}} (a random product each time) open
 * loop: request {@code n} is due at {@code start + n / rate} and is sent then whether or not
 * earlier answers have come back. Latency is measured from the due time (so a stall counts for
 * every request it delays: no coordinated omission) and, for comparison, from the actual send.
 * Prints one line starting with {@value #RESULT}.
 */
public final class HttpLoad {

    static final String RESULT = "HTTPLOAD RESULT";

    private HttpLoad() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        double rate = Double.parseDouble(args[1]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        long measureNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        List<URI> uris = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            uris.add(URI.create(base + "/stats/" + URLEncoder.encode(args[i], StandardCharsets.UTF_8)));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Histogram fromDue = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        Histogram fromSend = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong notOk = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        Random random = new Random(1);
        long start = System.nanoTime();
        long end = start + warmupNanos + measureNanos;
        for (long n = 0; ; n++) {
            long due = start + (long) (n * 1e9 / rate);
            if (due >= end) {
                break;
            }
            for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            boolean measured = due >= start + warmupNanos;
            long sent = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(uris.get(random.nextInt(uris.size())))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            CompletableFuture<?> answer = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, e) -> {
                        long now = System.nanoTime();
                        if (!measured) {
                            return;
                        }
                        if (e != null) {
                            failed.incrementAndGet();
                            return;
                        }
                        synchronized (fromDue) {
                            fromDue.recordValue((now - due) / 1000);
                            fromSend.recordValue((now - sent) / 1000);
                        }
                        (response.statusCode() == 200 ? ok : notOk).incrementAndGet();
                    });
            if (measured) {
                pending.add(answer);
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // failures are counted above; a request still open after 30 s is left out
        }
        synchronized (fromDue) {
            System.out.println(String.format(Locale.ROOT,
                    "%s ok=%d not200=%d failed=%d p50=%d p99=%d p999=%d max=%d send_p50=%d send_p99=%d send_max=%d",
                    RESULT, ok.get(), notOk.get(), failed.get(),
                    fromDue.getValueAtPercentile(50), fromDue.getValueAtPercentile(99),
                    fromDue.getValueAtPercentile(99.9), fromDue.getMaxValue(),
                    fromSend.getValueAtPercentile(50), fromSend.getValueAtPercentile(99), fromSend.getMaxValue()));
        }
        System.exit(0);
    }
}
