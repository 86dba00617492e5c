package io.orderpipeline.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * {@link #run} starts it and waits for SIGTERM; {@link #close} leaves the group and commits or aborts
 * the open transaction, so a restart is quick and no transaction is left hanging. A service's
 * {@code main} opens it and its HTTP server as resources, so Java closes them in reverse order, HTTP
 * first, then the streams app:
 * <pre>{@code
 * try (StreamsApp app = StreamsApp.create(ServiceConfig.fromEnv(Services.ORDER_FILTER), OrderFilterTopology.build());
 *         HttpServer http = HttpServer.startManagement(app.config(), app.streams())) {
 *     app.run();
 * }
 * }</pre>
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ServiceConfig config;
    private final KafkaStreams streams;
    /** Released by SIGTERM (the shutdown hook) or by the client's state ERROR: {@link #run} returns or throws. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Released when {@link #close} is done: the shutdown hook waits for it, so the JVM ends only after main has closed. */
    private final CountDownLatch closed = new CountDownLatch(1);

    private StreamsApp(ServiceConfig config, KafkaStreams streams) {
        this.config = config;
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
        StreamsApp app = new StreamsApp(config, new KafkaStreams(topology, config.streamsProperties()));
        if (wipeLocalState) {
            log.info("{}: deleting local state; stores are restored from their changelogs", config.service());
            app.streams.cleanUp();
        }
        app.streams.setStateListener((newState, oldState) -> {
            log.info("{} state {} -> {}", app.config.service(), oldState, newState);
            if (newState == KafkaStreams.State.ERROR) {
                app.stop.countDown();
            }
        });
        app.streams.setUncaughtExceptionHandler(e -> {
            log.error("{} stream thread failed; shutting the client down", app.config.service(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return app;
    }

    public ServiceConfig config() {
        return config;
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
     * Starts the streams app and blocks until SIGTERM or SIGINT, then returns, so the service's
     * {@code main} closes its resources (the JVM waits for that, up to {@link #CLOSE_TIMEOUT} and a
     * little more, before it exits). If the streams app fails (state ERROR) this throws, {@code main}
     * closes the same way, and the JVM exits with status 1, so a supervisor starts it again.
     */
    public void run() {
        Runtime.getRuntime().addShutdownHook(shutdownHook());
        start();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // and close, as on SIGTERM
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException(config.service() + " stopped in state ERROR (a stream thread failed, logged above)");
        }
    }

    /** {@link #run}'s shutdown hook: lets {@code run} return, then waits for {@link #close}, at most a little over its timeout. */
    Thread shutdownHook() {
        return new Thread(() -> {
            stop.countDown();
            try {
                closed.await(CLOSE_TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, config.service() + "-shutdown");
    }

    @Override
    public void close() {
        try {
            log.info("{} closing", config.service());
            boolean clean = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
            log.info("{} closed{}", config.service(), clean ? "" : " (timed out after " + CLOSE_TIMEOUT + ")");
        } finally {
            closed.countDown();
        }
    }
}
