package io.orderpipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.broker.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a service's {@code main} ends, on a real broker: {@link StreamsApp#run} returns when its
 * shutdown hook runs (what SIGTERM does), the hook waits until the app is closed, and {@code run}
 * throws when a stream thread fails; in both cases closing the app leaves none of its threads that
 * would keep the JVM from exiting.
 */
class StreamsAppIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String INPUT = "streams-app-it-input";

    @TempDir
    static Path dir;
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void runReturnsOnTheShutdownHookWhichWaitsForCloseAndNoThreadIsLeft() throws Exception {
        String appId = "streams-app-it-stop";
        StreamsApp app = StreamsApp.create(config(appId), topology(value -> { }));
        CompletableFuture<Void> run = CompletableFuture.runAsync(app::run);
        awaitState(app, KafkaStreams.State.RUNNING);
        assertThat(run).isNotDone();

        Thread hook = app.shutdownHook(); // what SIGTERM starts
        hook.start();
        run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        hook.join(200);
        assertThat(hook.isAlive()).as("the hook waits for main to close the app").isTrue();
        app.close();
        hook.join(TIMEOUT.toMillis());
        assertThat(hook.isAlive()).as("the hook ends once the app is closed").isFalse();

        assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        assertThat(nonDaemonThreadsOf(appId)).isEmpty();
    }

    @Test
    void runThrowsWhenAStreamThreadFails() throws Exception {
        String appId = "streams-app-it-fail";
        StreamsApp app = StreamsApp.create(config(appId), topology(value -> {
            throw new AssertionError("a bug in the topology"); // an Error: the processing exception handler takes only exceptions
        }));
        CompletableFuture<Void> run = CompletableFuture.runAsync(app::run);
        awaitState(app, KafkaStreams.State.RUNNING);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(INPUT, "k", "v")).get(30, TimeUnit.SECONDS);
        }

        assertThatThrownBy(() -> run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage(appId + " stopped in state ERROR (a stream thread failed, logged above)");
        app.close();

        assertThat(nonDaemonThreadsOf(appId)).isEmpty();
    }

    private static ServiceConfig config(String appId) {
        return ServiceConfig.of(appId, false, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                ServiceConfig.STATE_DIR, dir.resolve(appId).toString()));
    }

    private static Topology topology(java.util.function.Consumer<String> onValue) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String())).foreach((key, value) -> onValue.accept(value));
        return builder.build();
    }

    private static void awaitState(StreamsApp app, KafkaStreams.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (app.streams().state() != state) {
            assertThat(System.nanoTime()).as("%s reaches %s", app.config().service(), state).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The live threads that would keep a JVM running whose names carry {@code appId} (Kafka names its threads after the client). */
    private static List<String> nonDaemonThreadsOf(String appId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().contains(appId)).map(Thread::getName).toList();
    }
}
