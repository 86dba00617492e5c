package io.orderpipeline.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streams app, run the same way in every service: {@link #create} logs its configuration
 * (secrets masked) and topology, checks its rights and its group's standby count, and builds the
 * client with a state listener and a handler that shuts the client down when a stream thread fails;
 * {@link #run} starts it and waits; {@link #close} leaves the group and commits or aborts the open
 * transaction, so a restart is quick and no transaction is left hanging. A service's {@code main}:
 * <pre>{@code
 * StreamsApp app = StreamsApp.create(config, topology);
 * HttpServer http = HttpServer.startManagement(config, app.streams());
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> { http.close(); app.close(); }));
 * app.run();
 * }</pre>
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String service;
    private final KafkaStreams streams;
    private final CountDownLatch failed = new CountDownLatch(1);

    private StreamsApp(String service, KafkaStreams streams) {
        this.service = service;
        this.streams = streams;
    }

    /** The streams app of {@code topology} with the service's configuration, not started yet. */
    public static StreamsApp create(ServiceConfig config, Topology topology) {
        return create(config, topology, false);
    }

    /**
     * Like {@link #create}, but first deletes this instance's local state, so every store is rebuilt
     * from its changelog. For stores that must not be reopened from disk: the RocksDB versioned store
     * of Kafka Streams 4.3.1 and 4.4.0, reopened (a clean restart), answers no version older than the
     * latest until its segment is written again; a restore writes it all again (reproduced by
     * customer-join's {@code VersionedStoreReopenBugTest}).
     */
    public static StreamsApp createFromChangelogs(ServiceConfig config, Topology topology) {
        return create(config, topology, true);
    }

    private static StreamsApp create(ServiceConfig config, Topology topology, boolean wipeLocalState) {
        log.info("Starting {} with configuration:{}", config.service(), config.describe());
        log.info("{} topology:\n{}", config.service(), topology.describe());
        AccessCheck.verify(config, topology); // fails at once, naming each missing ACL
        GroupProtocol.prepare(config); // group.protocol=streams: the standby count is the group's config on the broker
        StreamsApp app = new StreamsApp(config.service(), new KafkaStreams(topology, config.streamsProperties()));
        if (wipeLocalState) {
            log.info("{}: deleting local state; stores are restored from their changelogs", config.service());
            app.streams.cleanUp();
        }
        app.streams.setStateListener((newState, oldState) -> {
            log.info("{} state {} -> {}", app.service, oldState, newState);
            if (newState == KafkaStreams.State.ERROR) {
                app.failed.countDown();
            }
        });
        app.streams.setUncaughtExceptionHandler(e -> {
            log.error("{} stream thread failed; shutting the client down", app.service, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return app;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Starts the streams app; returns at once. */
    public StreamsApp start() {
        streams.start();
        return this;
    }

    /**
     * Starts the streams app and blocks. On SIGTERM/SIGINT the JVM runs the service's shutdown
     * hook (which closes this) and ends; if the streams app fails, this exits the JVM with status 1
     * (the hook still runs) so the supervisor restarts it.
     */
    public void run() {
        start();
        try {
            failed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        log.error("{} stopped in state ERROR; exiting", service);
        System.exit(1);
    }

    @Override
    public void close() {
        log.info("{} closing", service);
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        log.info("{} closed{}", service, clean ? "" : " (timed out after " + CLOSE_TIMEOUT + ")");
    }
}
