package io.orderpipeline.broker;

import io.orderpipeline.launch.ServiceProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka cluster of {@code n} KRaft nodes (each a combined broker and controller, the
 * controllers a static quorum of {@code n} voters), every node its own JVM started from this JVM's
 * classpath ({@code kafka.Kafka server.properties}), listening on 127.0.0.1 only. Built for fault
 * tests: {@link #kill(int)} is {@code kill -9} (no controlled shutdown, nothing flushed), and
 * {@link #start(int)} brings the node back on the same ports with the same data.
 *
 * <p>Replicated like production: internal topics (offsets, transaction state, share state) and
 * new topics get {@code min(3, n)} replicas, {@code min.insync.replicas} is 2 (1 for a single
 * node), so with 3 nodes one may be down while every {@code acks=all} write still succeeds.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.start(dir, 3)) {
 *     ContractTopics.create(Map.of("bootstrap.servers", cluster.bootstrapServers()), 3, (short) 3);
 *     cluster.kill(2);  // kill -9 node 2
 *     cluster.start(2); // back, same ports and data
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    /** Heap of each node's JVM: small data, several nodes and services share a small machine. */
    public static final List<String> NODE_JVM_OPTIONS = List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Set<ServiceProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ServiceProcess::kill), "kafka-cluster-reaper"));
    }

    private final Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();

    private KafkaCluster(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** Formats and starts {@code count} nodes (ids 1..count) on free loopback ports, data under {@code dir}; returns once all are up. */
    public static KafkaCluster start(Path dir, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, got " + count);
        }
        KafkaCluster cluster = new KafkaCluster(dir);
        int[] ports = KafkaBroker.freePorts(2 * count);
        String voters = java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> (i + 1) + "@" + HOST + ":" + ports[count + i]).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        try {
            for (int i = 0; i < count; i++) {
                NodeProcess node = new NodeProcess(i + 1, ports[i], cluster.dir.resolve("node-" + (i + 1)));
                cluster.nodes.add(node);
                node.format(cluster.properties(node, voters, count), clusterId);
            }
            cluster.nodes.forEach(NodeProcess::launch);
            for (NodeProcess node : cluster.nodes) {
                node.awaitStarted(START_TIMEOUT);
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node, for {@code bootstrap.servers}: {@code 127.0.0.1:<port1>,127.0.0.1:<port2>,...}. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> HOST + ":" + n.port).collect(Collectors.joining(","));
    }

    /** The node ids, 1..n. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    /** {@code 127.0.0.1:<port>} of one node. */
    public String bootstrapServers(int nodeId) {
        return HOST + ":" + node(nodeId).port;
    }

    public boolean isRunning(int nodeId) {
        return node(nodeId).isAlive();
    }

    /** kill -9 of the node's JVM: no controlled shutdown, no leadership handed over. Waits until it is gone. */
    public void kill(int nodeId) {
        node(nodeId).kill();
    }

    /** SIGTERM: a controlled shutdown (leaders moved away first). Waits until it is gone. */
    public void stop(int nodeId) {
        node(nodeId).stop();
    }

    /** Starts a killed or stopped node again (same ports, same data) and waits until it has started. */
    public void start(int nodeId) {
        NodeProcess node = node(nodeId);
        node.launch();
        node.awaitStarted(START_TIMEOUT);
    }

    /** The node's log (its JVM's stdout and stderr, every run appended). */
    public Path log(int nodeId) {
        return node(nodeId).log;
    }

    /** Kills every node still running. The data and each node's log stay in the directory given to {@link #start}. */
    @Override
    public void close() {
        nodes.forEach(NodeProcess::kill);
    }

    private NodeProcess node(int nodeId) {
        return nodes.stream().filter(n -> n.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + " in " + nodeIds()));
    }

    private Properties properties(NodeProcess node, String voters, int count) {
        int replicas = Math.min(3, count);
        int minIsr = Math.min(2, replicas);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(node.id));
        p.put("controller.quorum.voters", voters);
        String controller = voters.split(",")[node.id - 1].substring(String.valueOf(node.id).length() + 1);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + node.port + ",CONTROLLER://" + controller);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + node.port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", node.dir.resolve("logs").toString());

        KafkaBroker.replication(p, replicas, minIsr);
        p.put("unclean.leader.election.enable", "false");
        // a killed node is fenced (its partitions get new leaders) after 6 s without heartbeats, not 9 s
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "1000");
        // as KafkaBroker: no auto-created topics, no time-based retention, quick first rebalance, a small machine
        KafkaBroker.smallTestBroker(p);
        p.put("num.replica.fetchers", "1");
        return p;
    }

    /** One node: its JVM, its ports and data. */
    private static final class NodeProcess {

        /** Logged by KafkaRaftServer once the node serves requests. */
        private static final String STARTED = "Kafka Server started";

        private final int id;
        private final int port;
        private final Path dir;
        private final Path log;
        /** The node's JVM: {@code kafka.Kafka} on this JVM's class path, output appended to {@link #log}. */
        private final ServiceProcess process;
        private boolean launched;

        NodeProcess(int id, int port, Path dir) {
            this.id = id;
            this.port = port;
            this.dir = dir;
            this.log = dir.resolve("node.log");
            List<String> jvmOptions = new ArrayList<>(NODE_JVM_OPTIONS);
            jvmOptions.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
            this.process = ServiceProcess.ofClasspath("node " + id, System.getProperty("java.class.path"), "kafka.Kafka", jvmOptions,
                    List.of(dir.resolve("server.properties").toString()), Map.of(), log);
        }

        void format(Properties props, String clusterId) {
            try {
                Files.createDirectories(dir);
                Path config = dir.resolve("server.properties");
                try (OutputStream out = Files.newOutputStream(config)) {
                    props.store(out, "written by io.orderpipeline.broker.KafkaCluster");
                }
                Files.writeString(dir.resolve("logback.xml"), """
                        <configuration>
                          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
                          </appender>
                          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                          <logger name="kafka.server.BrokerServer" level="INFO"/>
                          <logger name="org.apache.kafka.controller.QuorumController" level="INFO"/>
                          <root level="WARN"><appender-ref ref="OUT"/></root>
                        </configuration>
                        """);
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                int exit;
                try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                    exit = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config", config.toString()}, print);
                }
                if (exit != 0) {
                    throw new IllegalStateException("formatting node " + id + " failed: " + output.toString(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + dir, e);
            }
        }

        synchronized void launch() {
            process.start();
            launched = true;
            LIVE.add(process);
        }

        /** Waits for the node's "started" line, then until it answers a metadata request listing itself. */
        void awaitStarted(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            process.awaitLog(timeout, STARTED);
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + port);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            try (Admin admin = Admin.create(props)) {
                while (true) {
                    try {
                        if (admin.describeCluster().nodes().get().stream().map(Node::id).anyMatch(n -> n == id)) {
                            return;
                        }
                    } catch (ExecutionException e) {
                        // not serving yet
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("node " + id + " does not list itself in the cluster within " + timeout);
                    }
                    ServiceProcess.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        synchronized boolean isAlive() {
            return process.isAlive();
        }

        synchronized void kill() {
            if (launched) {
                process.kill();
                LIVE.remove(process);
            }
        }

        /** SIGTERM, then up to a minute for the controlled shutdown, then SIGKILL. */
        synchronized void stop() {
            if (launched) {
                process.stop(Duration.ofSeconds(60));
                LIVE.remove(process);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + bootstrapServers() + ", " + dir + "]";
    }

    /** For logging: which node ids are up. */
    public Map<Integer, Boolean> running() {
        return nodes.stream().collect(Collectors.toMap(n -> n.id, NodeProcess::isAlive));
    }
}
