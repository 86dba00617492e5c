package io.orderpipeline.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one streams app the same way in every service: logs its configuration (secrets masked) and
 * topology, starts it, and on SIGTERM closes it, leaving the group and committing or aborting the
 * open transaction, so a restart is quick and no transaction is left hanging.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String service;
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<AutoCloseable> closeFirst = new ArrayList<>();
    private volatile boolean failed;

    private StreamsApp(String service, KafkaStreams streams) {
        this.service = service;
        this.streams = streams;
    }

    /** Starts the topology with the service's configuration; returns at once. */
    public static StreamsApp start(ServiceConfig config, Topology topology) {
        return start(config, topology, false);
    }

    /**
     * Like {@link #start}, but first deletes this instance's local state, so every store is rebuilt
     * from its changelog. For stores that must not be reopened from disk: the RocksDB versioned store
     * of Kafka Streams 4.3.1 and 4.4.0, reopened (a clean restart), answers no version older than the
     * latest until its segment is written again; a restore writes it all again (reproduced by
     * customer-join's {@code VersionedStoreReopenBugTest}).
     */
    public static StreamsApp startFromChangelogs(ServiceConfig config, Topology topology) {
        return start(config, topology, true);
    }

    private static StreamsApp start(ServiceConfig config, Topology topology, boolean wipeLocalState) {
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
                app.failed = true;
                app.stopped.countDown();
            }
        });
        app.streams.setUncaughtExceptionHandler(e -> {
            log.error("{} stream thread failed; shutting the client down", app.service, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        app.streams.start();
        return app;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Closes {@code resource} (an HTTP server, say) before the streams app on shutdown. */
    public StreamsApp closeFirst(AutoCloseable resource) {
        closeFirst.add(resource);
        return this;
    }

    /**
     * Blocks until SIGTERM/SIGINT (then closes cleanly and returns) or until the streams app fails
     * (then exits the JVM with status 1 so the supervisor restarts it).
     */
    public void runUntilShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, service + "-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed) {
            log.error("{} stopped in state ERROR; exiting", service);
            close();
            System.exit(1);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : closeFirst) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("{}: closing {} failed", service, resource, e);
            }
        }
        log.info("{} closing", service);
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        log.info("{} closed{}", service, clean ? "" : " (timed out after " + CLOSE_TIMEOUT + ")");
    }
}
