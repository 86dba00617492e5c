package io.orderpipeline.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in this
 * JVM, listening on 127.0.0.1 only, with the settings exactly-once needs on one node.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.startOnFreePort(tempDir)) {
 *     ContractTopics.create(broker.bootstrapServers(), 3);
 *     ...
 * }
 * }</pre>
 *
 * The data directory is formatted on first start and reused by {@link #restart()}.
 *
 * <p>{@link #startSecured} starts it secured instead ({@link SaslSsl}): the one client listener
 * is {@code SASL_SSL} (SCRAM-SHA-512), the controller listener TLS with client certificates, and
 * the standard authorizer denies whatever no ACL allows. For several nodes: {@link KafkaCluster}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final SaslSsl security;
    private KafkaRaftServer server;

    private KafkaBroker(Path dataDir, int port, int controllerPort, SaslSsl security) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.security = security;
    }

    /** Starts a broker on 127.0.0.1:{@code port} (the controller on a free port), data in {@code dataDir}. */
    public static KafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, freePort());
    }

    /** Starts a broker on free ports, data in {@code dataDir}. */
    public static KafkaBroker startOnFreePort(Path dataDir) {
        int[] ports = freePorts(2);
        return start(dataDir, ports[0], ports[1]);
    }

    /**
     * Starts a secured broker on free ports, data in {@code dataDir}: {@code SASL_SSL} only, the
     * standard authorizer, {@code security}'s super user. Clients connect with
     * {@link SaslSsl#clientProperties}.
     */
    public static KafkaBroker startSecured(Path dataDir, SaslSsl security) {
        int[] ports = freePorts(2);
        KafkaBroker broker = new KafkaBroker(dataDir, ports[0], ports[1], security);
        broker.startServer();
        return broker;
    }

    private static KafkaBroker start(Path dataDir, int port, int controllerPort) {
        KafkaBroker broker = new KafkaBroker(dataDir, port, controllerPort, null);
        broker.startServer();
        return broker;
    }

    /** How the broker is secured, or null for plaintext without authorization. */
    public SaslSsl security() {
        return security;
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down and waits until it has stopped; its ports are then free. Idempotent. */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer stopping = server;
            server = null;
            stopping.shutdown();
            stopping.awaitShutdown();
        }
    }

    /** Stops the broker, then starts it again on the same ports with the same data. */
    public synchronized void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void startServer() {
        if (server != null) {
            throw new IllegalStateException("broker already running on " + bootstrapServers());
        }
        Properties props = properties();
        format(props);
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        try {
            starting.startup();
        } catch (RuntimeException e) {
            starting.shutdown();
            starting.awaitShutdown();
            throw new IllegalStateException("Kafka broker did not start on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
        server = starting;
    }

    /** Everything this broker runs with (also written to {@code <dataDir>/server.properties}). */
    Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        if (security != null) {
            secure(p);
        }

        // exactly-once on one node: internal topics with one replica, one in-sync replica is enough
        replication(p, 1, 1);
        smallTestBroker(p);
        // the same for streams groups (group.protocol=streams: on by default in 4.4, feature streams.version 1 at format)
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        return p;
    }

    /**
     * The replication of the internal topics (offsets, transactions, share groups; 5 partitions each),
     * of new topics ({@code default.replication.factor}) and {@code min.insync.replicas}, for
     * exactly-once on {@code replicas} nodes ({@link KafkaCluster}: up to 3, 2 in sync).
     */
    static void replication(Properties p, int replicas, int minIsr) {
        p.put("offsets.topic.replication.factor", String.valueOf(replicas));
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", String.valueOf(replicas));
        p.put("transaction.state.log.min.isr", String.valueOf(minIsr));
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", String.valueOf(replicas));
        p.put("share.coordinator.state.topic.min.isr", String.valueOf(minIsr));
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("min.insync.replicas", String.valueOf(minIsr));
        p.put("default.replication.factor", String.valueOf(replicas));
        // the cap on a producer's transaction.timeout.ms (Kafka's default: 15 minutes; Streams asks for 10 s)
        p.put("transaction.max.timeout.ms", "900000");
    }

    /** What every test broker of the suite runs with ({@link KafkaCluster}'s nodes too). */
    static void smallTestBroker(Properties p) {
        // a missing topic is an error, not a silently created one-partition topic
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // no time-based retention: Kafka's default (7 days) counts from each record's timestamp, so
        // replayed or test data with older event times (the tests' fixed dates) was deleted while
        // the services were still reading it; this broker's data lives as long as its directory
        p.put("log.retention.ms", "-1");
        // no 3 s wait for more members before the first rebalance
        p.put("group.initial.rebalance.delay.ms", "0");
        // the default 128 MB dedupe buffer does not fit a small heap
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // a small machine
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
    }

    /**
     * SASL_SSL (SCRAM-SHA-512) for clients and between brokers, TLS with client certificates on the
     * controller listener (KRaft controllers do not take SCRAM), the standard authorizer, and no
     * {@code allow.everyone.if.no.acl.found}: the super user and the broker's own certificate may do
     * everything, anyone else what an ACL allows.
     */
    private void secure(Properties p) {
        p.put("listeners", "SASL_SSL://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "SASL_SSL");
        p.put("sasl.enabled.mechanisms", SaslSsl.MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", SaslSsl.MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                SaslSsl.jaasConfig(security.superUser(), security.superUserPassword()));
        TlsFiles tls = security.tls();
        p.put("ssl.keystore.location", tls.keystore().toString());
        p.put("ssl.keystore.password", tls.password());
        p.put("ssl.key.password", tls.password());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.truststore.location", tls.truststore().toString());
        p.put("ssl.truststore.password", tls.password());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("listener.name.controller.ssl.client.auth", "required");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + security.superUser() + ";" + tls.brokerPrincipal());
    }

    /** Formats the data directory on first start; an already formatted directory is kept (restart). */
    private void format(Properties props) {
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Path config = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "written by io.orderpipeline.broker.KafkaBroker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit;
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("format", "--standalone",
                    "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()));
            if (security != null) {
                // the super user's SCRAM credentials exist from the first start, before any admin can connect
                args.add("--add-scram");
                args.add(SaslSsl.MECHANISM + "=[name=" + security.superUser() + ",password=" + security.superUserPassword() + "]");
            }
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exit = StorageTool.execute(args.toArray(String[]::new), print);
            }
            if (exit != 0) {
                throw new IllegalStateException("formatting " + dataDir + " failed: " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dataDir, e);
        }
    }

    /** A port nobody listens on right now, on 127.0.0.1. */
    public static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code count} distinct ports nobody listens on right now, on 127.0.0.1. */
    public static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 0, InetAddress.getByName(HOST));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // nothing was listening
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + dataDir + (security == null ? "" : ", SASL_SSL") + "]";
    }
}
