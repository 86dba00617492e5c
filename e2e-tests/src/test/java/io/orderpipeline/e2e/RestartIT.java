package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.launch.ServiceProcess;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Services restarted mid-stream (SIGTERM, clean close, start again from the same state dir) while
 * orders keep flowing: every output still exact, and the state carried over (customer-stats'
 * counts go on from where they were, windows keep their earlier orders).
 */
class RestartIT {

    @Test
    void cleanRestartsMidStreamKeepEveryOutputExact() throws Exception {
        try (Pipeline pipeline = new Pipeline("RestartIT", Map.of());
                InputWriter input = new InputWriter(pipeline.bootstrapServers())) {
            pipeline.startAll();
            OrderStream stream = new OrderStream(input, Pipeline.PARTITIONS, 7, 200);
            stream.write(800);
            input.flush();
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);

            AtomicBoolean streaming = new AtomicBoolean(true);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (streaming.get()) {
                    stream.write(25);
                    input.flush();
                    ServiceProcess.sleep(250);
                }
            });
            for (String service : List.of("customer-stats", "product-revenue")) {
                ServiceProcess.sleep(2000);
                restart(pipeline.service(service));
            }
            ServiceProcess.sleep(2000);
            streaming.set(false);
            writer.get();

            // customer-join's state is the customers' history: after a restart, orders timed between
            // two versions of a customer must still be joined with the older one
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);
            restart(pipeline.service("customer-join"));
            int probes = stream.writeOrdersBetweenCustomerVersions(input.written(Expected.CUSTOMERS), 20);
            System.out.println("Orders timed between two versions of their customer, written after customer-join restarted: " + probes);
            assertThat(probes).isPositive();
            input.flush();
            pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT); // joined before any new customer record arrives
            stream.write(300);
            input.flush();
            System.out.println("Orders written: " + stream.orders());

            flushWindows(pipeline, stream, input);
            Expected expected = Expected.from(input.written(Expected.ORDERS), input.written(Expected.CUSTOMERS), PipelineIT.RULES);
            System.out.println("Coverage: " + expected.coverage());
            System.out.println(expected.revenueSummary());
            List<Expected.Result> results = expected.checkAll(pipeline.reader(), pipeline::deadLetterTopic);
            results.forEach(System.out::println);
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            PipelineIT.assertNoOpenTransactions(pipeline);
        }
    }

    /** SIGTERM, a clean close, and a start from the same state dir. */
    private static void restart(ServiceProcess process) {
        int exit = process.stop(Pipeline.STOP_TIMEOUT);
        assertThat(exit).as(process.name() + " exit code after SIGTERM").isEqualTo(143);
        assertThat(process.output()).as(process.name() + " closed cleanly").contains(process.name() + " closed")
                .doesNotContain("timed out after");
        process.start().awaitRunning(Pipeline.START_TIMEOUT);
    }

    /**
     * Waits until everything is consumed, then writes one order in each partition of orders at the
     * newest event time, so that the low watermark of product-revenue reaches it and closes every
     * window ending (plus grace) before it, whichever partition was behind; and waits again.
     */
    static void flushWindows(Pipeline pipeline, OrderStream stream, InputWriter input) {
        pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);
        stream.writeOnePerPartitionAtLatestTime();
        input.flush();
        pipeline.awaitConsumed(Pipeline.DRAIN_TIMEOUT);
    }
}
