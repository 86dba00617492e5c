package io.orderpipeline.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orderpipeline.runtime.DeadLetters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /metrics} shows, in Prometheus text format: the Kafka Streams client metrics (among
 * them {@code kafka_stream_task_dropped_records_total}), {@code dead_letter_records_total}
 * ({@link DeadLetters}), JVM metrics, and {@code http_server_requests_seconds} per route template,
 * method and status.
 */
final class Metrics implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final Duration REFRESH = Duration.ofSeconds(5);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kafka-streams-metrics-refresh");
        thread.setDaemon(true);
        return thread;
    });

    Metrics(KafkaStreams streams) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        // new tasks (after a rebalance) bring new metrics: look for them every 5 s, not every minute
        streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), refresher, REFRESH);
        streamsMetrics.bindTo(registry);
        FunctionCounter.builder("dead.letter.records", this, metrics -> DeadLetters.sent())
                .description("records this instance sent to its dead-letter topic <application.id>-dlq")
                .register(registry);
    }

    /** Counts and times one request under its route template ({@code /stats/{product}}), never the raw path. */
    void record(Context ctx, float millis) {
        // no route matched (a 404): Javalin never left its BEFORE phase and has no template
        String route = ctx.handlerType() == HandlerType.BEFORE ? "" : ctx.endpointHandlerPath();
        Timer.builder("http.server.requests")
                .description("HTTP requests served, by route template, method and status")
                .tag("uri", route.isEmpty() ? "UNMATCHED" : route)
                .tag("method", ctx.method().name())
                .tag("status", String.valueOf(ctx.statusCode()))
                .register(registry)
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        streamsMetrics.close();
        refresher.shutdownNow();
        gcMetrics.close();
        registry.close();
    }
}
