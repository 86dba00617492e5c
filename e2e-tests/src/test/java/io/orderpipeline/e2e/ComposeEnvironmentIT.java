package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Json;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topic;
import io.orderpipeline.common.Topics;
import io.orderpipeline.launch.ClusterReader;
import io.orderpipeline.launch.ServiceProcess;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml (and the Dockerfile it builds with) cannot drift from the code: every
 * service entry's environment is exactly what that service's code reads, each service's jar
 * started with exactly that environment (only the broker address, the HTTP port and address, and
 * the state directory swapped for local ones) reaches RUNNING and processes an order, the topics
 * service creates exactly the contract's topics, and the demo generator's command line works.
 *
 * <p>The file is read with SnakeYAML: it resolves the
 * anchors and {@code <<} merge keys the compose file uses, which Jackson's YAML tree does not.
 */
class ComposeEnvironmentIT {

    private static final Path ROOT = Pipeline.projectRoot();
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String STATE_DIR = "/var/lib/order-pipeline/state";
    private static final String KAFKA_TOPICS = "/opt/kafka/bin/kafka-topics.sh";

    private static Map<String, Object> compose;

    @BeforeAll
    static void readComposeFile() throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(in);
        }
    }

    // ---------------------------------------------------------------- the file itself

    @Test
    void composeRunsEveryServiceOnceAndProductRevenueTwice() {
        List<String> modules = new ArrayList<>(appServices().values());
        modules.sort(null);
        List<String> expected = new ArrayList<>(Services.NAMES);
        expected.add("product-revenue");
        expected.sort(null);
        assertThat(modules).as("the SERVICE build arg of the compose services without a profile").isEqualTo(expected);

        Map<String, Set<Integer>> published = new TreeMap<>();
        appServices().forEach((name, module) -> {
            Map<String, Object> service = service(name);
            Map<String, String> env = environment(name);
            assertThat(env.get(ServiceConfig.APPLICATION_ID)).as(name + " APPLICATION_ID").isEqualTo(module);
            assertThat(env.get(ServiceConfig.STATE_DIR)).as(name + " STATE_DIR").isEqualTo(STATE_DIR);
            assertThat(env.get(ServiceConfig.BOOTSTRAP_SERVERS)).as(name + " KAFKA_BOOTSTRAP_SERVERS")
                    .isEqualTo(brokerAddressInComposeNetwork());
            assertThat(map(service.get("depends_on"), name + " depends_on"))
                    .as(name + " depends_on").containsEntry("kafka", Map.of("condition", "service_healthy"))
                    .containsEntry("topics", Map.of("condition", "service_completed_successfully"));
            for (Object volume : list(service.getOrDefault("volumes", List.of()))) {
                assertThat(volume.toString()).as(name + " volume").endsWith(":" + STATE_DIR);
            }
            assertThat(env.containsKey(ServiceConfig.HTTP_PORT)).as(name + " has an HTTP_PORT exactly when " + module
                    + " serves queries (Services.ALL)").isEqualTo(Services.named(module).http());
            if (env.containsKey(ServiceConfig.HTTP_PORT)) {
                String port = env.get(ServiceConfig.HTTP_PORT);
                assertThat(env.get(ServiceConfig.APPLICATION_SERVER)).as(name + " APPLICATION_SERVER: its own name and port")
                        .isEqualTo(name + ":" + port);
                for (Object mapping : list(service.get("ports"))) {
                    String[] hostAndContainer = mapping.toString().split(":");
                    assertThat(hostAndContainer[1]).as(name + " port mapping " + mapping).isEqualTo(port);
                    published.computeIfAbsent(module, m -> new TreeSet<>()).add(Integer.parseInt(hostAndContainer[0]));
                }
            }
        });
        assertThat(published).as("host ports of the HTTP services")
                .isEqualTo(Map.of("customer-stats", Set.of(8081), "product-revenue", Set.of(8080, 8082)));
        List<String> productRevenue = appServices().entrySet().stream().filter(e -> e.getValue().equals("product-revenue"))
                .map(Map.Entry::getKey).toList();
        for (String name : productRevenue) {
            assertThat(environment(name)).as(name).containsEntry(ServiceConfig.NUM_STANDBY_REPLICAS, "1");
        }
    }

    /** The image runs the services with the JVM flags every launcher gives them (Service.JVM_OPTIONS). */
    @Test
    void imageRunsTheServicesWithTheirJvmFlags() throws IOException {
        Matcher m = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertThat(m.find()).as("JAVA_TOOL_OPTIONS in the Dockerfile").isTrue();
        List<String> flags = List.of(m.group(1).split(" +"));
        assertThat(flags).as("the Dockerfile's JAVA_TOOL_OPTIONS").containsAll(Service.JVM_OPTIONS);
        // the whole heap taken at start: from 1/64 of the limit the young generation is collected far more often
        String max = flags.stream().filter(f -> f.startsWith("-XX:MaxRAMPercentage=")).findFirst().orElseThrow().split("=")[1];
        assertThat(flags).as("the Dockerfile's JAVA_TOOL_OPTIONS").contains("-XX:InitialRAMPercentage=" + max);
    }

    @Test
    void brokerIsTheKafkaVersionOfTheCodeWithExactlyOnceSettingsForOneNode() {
        String image = "apache/kafka:" + AppInfoParser.getVersion();
        assertThat(service("kafka").get("image")).isEqualTo(image);
        assertThat(service("topics").get("image")).isEqualTo(image);
        assertThat(environment("kafka"))
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "1")
                .containsEntry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        assertThat(service("kafka")).containsKey("healthcheck");
    }

    @Test
    void topicsServiceCreatesExactlyTheContractTopics(@TempDir Path tmp) throws Exception {
        Map<String, NewTopic> created = topicsScriptCreates(tmp);
        Set<String> expected = new TreeSet<>();
        Services.TOPICS.forEach(topic -> expected.add(topic.name()));
        appServices().keySet().forEach(name -> expected.add(Topics.deadLetter(environment(name).get(ServiceConfig.APPLICATION_ID))));
        assertThat(created.keySet()).isEqualTo(expected);
        created.values().forEach(topic -> {
            assertThat(topic.numPartitions()).as(topic.name()).isEqualTo(3);
            assertThat(topic.replicationFactor()).as(topic.name()).isEqualTo((short) 1);
            assertThat(topic.configs()).as(topic.name()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG,
                    topic.name().equals(Topics.CUSTOMERS.name()) ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        });
    }

    /**
     * Each compose entry sets nothing its service does not read ({@link ServiceEnvironment}: the
     * variables common-model's EnvVariable declares for it, so HTTP_PORT and APPLICATION_SERVER only
     * for a service with HTTP; KAFKA_* variables only as real Kafka properties). Settings with a
     * default (TLS, authentication, bounds) may be left out: docs/configuration.md lists them all.
     */
    @Test
    void environmentIsOnlyWhatEachServiceReads() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : appServices().entrySet()) {
            ServiceEnvironment.of(entry.getValue()).unread(environment(entry.getKey()).keySet())
                    .forEach(problem -> problems.add(entry.getKey() + ": " + problem));
        }
        assertThat(problems).isEmpty();

        // the check can fail: another service's setting, a query setting on a service without queries, a Kafka property that is none
        assertThat(ServiceEnvironment.of("order-filter").unread(List.of("ALERT_THRESHOLD", "HTTP_PORT", "LOG_LEVEL",
                "KAFKA_NUM_STREAM_THREADS", "KAFKA_NUM_STREAM_THREAD")))
                .containsExactly("sets ALERT_THRESHOLD, which order-filter does not read",
                        "sets HTTP_PORT, which order-filter does not read (it serves no HTTP)",
                        "sets KAFKA_NUM_STREAM_THREAD, which order-filter does not read");
    }

    /**
     * The parent pom is the one list of modules: the Dockerfile's build stage copies the whole tree
     * before it runs Maven (it names no module), and .dockerignore keeps no module's pom or sources
     * out of the build context.
     */
    @Test
    void dockerfileBuildsFromTheWholeTree() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile())
                .getDocumentElement();
        List<String> modules = new ArrayList<>();
        for (Node node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node.getNodeName().equals("modules")) {
                for (Node module = node.getFirstChild(); module != null; module = module.getNextSibling()) {
                    if (module.getNodeName().equals("module")) {
                        modules.add(module.getTextContent().trim());
                    }
                }
            }
        }
        assertThat(modules).containsAll(Services.NAMES).contains("data-generator");
        String buildStage = dockerfile.substring(0, dockerfile.indexOf("\nFROM ", dockerfile.indexOf("FROM ")));
        assertThat(buildStage).as("the build stage copies the whole tree, then runs Maven")
                .containsPattern("(?m)^COPY \\. \\.$[\\s\\S]*^RUN [^#]*mvn ");

        // .dockerignore patterns are globs ('**' any number of folders); one that matches a folder
        // leaves out all it holds
        List<PathMatcher> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("!"))
                .map(line -> FileSystems.getDefault().getPathMatcher("glob:" + line)).toList();
        List<String> needed = new ArrayList<>(List.of("pom.xml"));
        for (String module : modules) {
            needed.addAll(List.of(module, module + "/pom.xml", module + "/src", module + "/src/main", module + "/src/main/java"));
        }
        for (String path : needed) {
            assertThat(ignored).as(".dockerignore keeps " + path + " in the build context")
                    .noneMatch(matcher -> matcher.matches(Path.of(path)));
        }
        assertThat(dockerfile).contains("STATE_DIR=" + STATE_DIR).contains("VOLUME [\"" + STATE_DIR + "\"]");
    }

    // ---------------------------------------------------------------- the services, running

    @Test
    void everyServiceRunsWithTheComposeEnvironmentAndProcessesAnOrder(@TempDir Path tmp) throws Exception {
        Map<String, String> services = appServices();
        int[] freePorts = KafkaBroker.freePorts(services.size());
        try (KafkaBroker broker = KafkaBroker.startOnFreePort(tmp.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            createTopics(bootstrap, topicsScriptCreates(tmp).values());

            Map<String, ServiceProcess> processes = new LinkedHashMap<>();
            Map<String, Integer> httpPorts = new LinkedHashMap<>();
            try {
                int next = 0;
                for (Map.Entry<String, String> entry : services.entrySet()) {
                    String name = entry.getKey();
                    Map<String, String> env = new LinkedHashMap<>(environment(name));
                    env.put(ServiceConfig.BOOTSTRAP_SERVERS, bootstrap);
                    env.put(ServiceConfig.STATE_DIR, tmp.resolve("state").resolve(name).toString());
                    // the ports the compose file sets, moved to free ones: the query port (health and
                    // metrics there too), or the management port of a service without queries
                    if (env.containsKey(ServiceConfig.HTTP_PORT)) {
                        int port = freePorts[next++];
                        env.put(ServiceConfig.HTTP_PORT, String.valueOf(port));
                        env.put(ServiceConfig.APPLICATION_SERVER, "localhost:" + port);
                        httpPorts.put(name, port);
                    }
                    if (env.containsKey(ServiceConfig.MANAGEMENT_PORT)) {
                        int port = KafkaBroker.freePort();
                        env.put(ServiceConfig.MANAGEMENT_PORT, String.valueOf(port));
                        httpPorts.put(name, port);
                    }
                    processes.put(name, Pipeline.process(entry.getValue(), env, tmp.resolve("logs").resolve(name + ".log"), Pipeline.JVM_OPTIONS).start());
                }
                for (ServiceProcess process : processes.values()) {
                    process.awaitRunning(TIMEOUT);
                }
                // the services that keep their state on a named volume in compose write their stores under STATE_DIR
                services.keySet().stream().filter(name -> service(name).containsKey("volumes")).forEach(name ->
                        assertThat(tmp.resolve("state").resolve(name).resolve(environment(name).get(ServiceConfig.APPLICATION_ID)))
                                .as(name + " keeps its state in STATE_DIR").isDirectory());

                assertEachServiceProcessesAnOrder(bootstrap, services);
                Map<String, Integer> notReady = notReadyOverHttp(httpPorts);
                for (Map.Entry<String, Integer> http : httpPorts.entrySet()) {
                    if (!notReady.containsKey(http.getKey())) {
                        assertThat(dockerHealthcheck(http.getValue())).as("the Dockerfile's HEALTHCHECK against " + http.getKey()).isZero();
                    }
                }
                assertThat(notReady).as("services given HTTP_PORT or MANAGEMENT_PORT by the compose file that do not answer 200 on /health/ready there")
                        .isEmpty();
                if (!httpPorts.isEmpty()) {
                    assertThat(dockerHealthcheck(KafkaBroker.freePort())).as("HEALTHCHECK with nothing listening").isNotZero();
                }
            } finally {
                processes.values().forEach(ServiceProcess::close);
            }
        }
    }

    /** One order of each kind in, and in each service's output topic (read_committed) the record it makes of it. */
    private static void assertEachServiceProcessesAnOrder(String bootstrap, Map<String, String> services) throws Exception {
        String product = "compose-check";
        Instant past = Instant.now().minus(3, ChronoUnit.HOURS);
        Map<String, Map.Entry<Topic<String, ?>, String>> expected = Map.of(
                "order-filter", Map.entry(Topics.HIGH_VALUE_ORDERS, "9001"),
                "order-enricher", Map.entry(Topics.ENRICHED_ORDERS, "9001"),
                "customer-stats", Map.entry(Topics.CUSTOMER_STATS, "4242"),
                "product-revenue", Map.entry(Topics.PRODUCT_REVENUE_HOURLY, product),
                "customer-join", Map.entry(Topics.CUSTOMER_ENRICHED_ORDERS, "4242"));
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(Set.copyOf(services.values()));

        try (InputWriter in = new InputWriter(bootstrap); ClusterReader out = new ClusterReader(bootstrap)) {
            in.send(Topics.CUSTOMERS.name(), null, past.minusSeconds(60).toEpochMilli(), "4242",
                    "{\"customer_id\": 4242, \"name\": \"Compose Check\", \"segment\": \"smb\", \"country\": \"GB\"}");
            in.flush();
            in.send(Topics.ORDERS.name(), null, past.toEpochMilli(), "9001", order(9001, "150.00", product));
            in.flush();
            // The hourly window of the first order is final once stream time passes its end plus the grace
            // period: later orders of the same product (so the same task) move it on. Product-revenue checks
            // for closed windows at most once a second of wall-clock time, so keep sending until it shows.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            int tick = 0;
            for (Map.Entry<String, Map.Entry<Topic<String, ?>, String>> e : expected.entrySet()) {
                String topic = e.getValue().getKey().name();
                String key = e.getValue().getValue();
                while (keys(out.readAll(topic)).stream().noneMatch(key::equals)) {
                    if (System.nanoTime() > deadline) {
                        fail(e.getKey() + " wrote no record with key " + key + " to " + topic + " within " + TIMEOUT);
                    }
                    in.send(Topics.ORDERS.name(), null, Instant.now().toEpochMilli(), String.valueOf(9100 + tick),
                            order(9100 + tick, "20.00", product));
                    in.flush();
                    tick++;
                    TimeUnit.MILLISECONDS.sleep(500);
                }
            }
            JsonNode revenue = Json.MAPPER.readTree(out.readAll(Topics.PRODUCT_REVENUE_HOURLY.name()).stream()
                    .filter(r -> product.equals(key(r))).findFirst().orElseThrow().value());
            assertThat(revenue.get("window_start").asText()).isEqualTo(past.truncatedTo(ChronoUnit.HOURS).toString());
            assertThat(revenue.get("revenue").decimalValue()).isEqualByComparingTo("150.00");
        }
    }

    @Test
    void demoGeneratorWritesCustomersAndOrdersWithTheComposeCommand(@TempDir Path tmp) throws Exception {
        Map<String, Object> generator = service("data-generator");
        assertThat(list(generator.get("profiles"))).containsExactly("demo");
        assertThat(map(map(generator.get("build"), "build").get("args"), "args")).containsEntry("SERVICE", "data-generator");
        assertThat(generator).doesNotContainKey("environment");
        List<String> args = list(generator.get("command")).stream().map(Object::toString).collect(Collectors.toList());
        int bootstrapAt = args.indexOf("--bootstrap-server") + 1;
        assertThat(bootstrapAt).as("--bootstrap-server in " + args).isPositive();
        assertThat(args.get(bootstrapAt)).isEqualTo(brokerAddressInComposeNetwork());
        int customers = Integer.parseInt(args.get(args.indexOf("--customers") + 1));

        try (KafkaBroker broker = KafkaBroker.startOnFreePort(tmp.resolve("broker"))) {
            createTopics(broker.bootstrapServers(), topicsScriptCreates(tmp).values());
            args.set(bootstrapAt, broker.bootstrapServers());
            Path log = tmp.resolve("data-generator.log");
            try (ServiceProcess process = ServiceProcess.ofJar("data-generator", ServiceEnvironment.jar("data-generator"),
                    List.of("-Xmx256m"), args, Map.of(), log).start();
                    ClusterReader out = new ClusterReader(broker.bootstrapServers())) {
                waitFor(() -> total(out, Topics.CUSTOMERS.name()) >= customers && total(out, Topics.ORDERS.name()) > 0,
                        process::isAlive, "data-generator " + args + " writing customers and orders", log);
                process.stop(Pipeline.STOP_TIMEOUT);
            }
        }
    }

    // ---------------------------------------------------------------- compose file access

    private static Map<String, Object> service(String name) {
        Map<String, Object> services = map(compose.get("services"), "services");
        assertThat(services).as("compose services").containsKey(name);
        return map(services.get(name), name);
    }

    /** Compose services running one of the five apps (not under a profile), name to module. */
    private static Map<String, String> appServices() {
        Map<String, String> apps = new LinkedHashMap<>();
        map(compose.get("services"), "services").forEach((name, value) -> {
            Map<String, Object> service = map(value, name);
            Object build = service.get("build");
            if (build != null && !service.containsKey("profiles")) {
                apps.put(name, String.valueOf(map(map(build, name + ".build").get("args"), name + ".build.args").get("SERVICE")));
            }
        });
        return apps;
    }

    /** A service's environment as a map of strings (the compose file uses the mapping form). */
    private static Map<String, String> environment(String name) {
        Map<String, String> env = new TreeMap<>();
        map(service(name).get("environment"), name + ".environment").forEach((k, v) -> {
            String value = String.valueOf(v);
            assertThat(value.replace("$$", "")).as(name + " " + k + ": no compose interpolation").doesNotContain("$");
            env.put(k, value);
        });
        return env;
    }

    /** The broker address the compose network advertises (PLAINTEXT listener of the kafka service). */
    private static String brokerAddressInComposeNetwork() {
        Matcher m = Pattern.compile("PLAINTEXT://([^,]+)").matcher(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"));
        assertThat(m.find()).as("kafka's PLAINTEXT advertised listener").isTrue();
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        assertThat(value).as(what + " is a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).as("a list").isInstanceOf(List.class);
        return (List<Object>) value;
    }

    // ---------------------------------------------------------------- topics service

    /**
     * Runs the topics service's own command (entrypoint and command from the compose file, with
     * its environment) with {@code kafka-topics.sh} replaced by a stub that records its arguments,
     * and returns the topics it asks for.
     */
    private static Map<String, NewTopic> topicsScriptCreates(Path tmp) throws Exception {
        Map<String, Object> topics = service("topics");
        String script = String.valueOf(list(topics.get("command")).get(0));
        assertThat(script).contains(KAFKA_TOPICS);
        assertThat(script.replace("$$", "")).as("no compose interpolation in the script").doesNotContain("$");
        Path stub = tmp.resolve("kafka-topics.sh");
        Path calls = tmp.resolve("kafka-topics.calls");
        Files.writeString(stub, "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '" + calls + "'\necho '--' >> '" + calls + "'\n");
        assertThat(stub.toFile().setExecutable(true)).isTrue();

        List<String> command = new ArrayList<>();
        list(topics.get("entrypoint")).forEach(part -> command.add(part.toString()));
        command.add(script.replace("$$", "$").replace(KAFKA_TOPICS, stub.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment("topics"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("the topics script: " + output).isZero();

        Map<String, NewTopic> created = new TreeMap<>();
        List<String> call = new ArrayList<>();
        for (String line : Files.readAllLines(calls)) {
            if (!line.equals("--")) {
                call.add(line);
                continue;
            }
            if (call.contains("--create")) {
                assertThat(call).contains("--if-not-exists");
                NewTopic topic = new NewTopic(after(call, "--topic"), Integer.parseInt(after(call, "--partitions")),
                        Short.parseShort(after(call, "--replication-factor")));
                Map<String, String> configs = new TreeMap<>();
                for (int i = 0; i < call.size(); i++) {
                    if (call.get(i).equals("--config")) {
                        String[] kv = call.get(i + 1).split("=", 2);
                        configs.put(kv[0], kv[1]);
                    }
                }
                assertThat(created.put(topic.name(), topic.configs(configs))).as("created twice: " + topic.name()).isNull();
            }
            call.clear();
        }
        return created;
    }

    private static String after(List<String> args, String option) {
        int at = args.indexOf(option);
        assertThat(at).as(option + " in " + args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(at + 1);
    }

    private static void createTopics(String bootstrap, java.util.Collection<NewTopic> topics) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get();
            Map<String, TopicDescription> described = admin.describeTopics(
                    topics.stream().map(NewTopic::name).toList()).allTopicNames().get();
            assertThat(described).hasSize(topics.size());
            ConfigResource customers = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CUSTOMERS.name());
            ConfigEntry policy = admin.describeConfigs(List.of(customers)).all().get().get(customers)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertThat(policy.value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the compose topics", e.getCause());
        }
    }

    // ---------------------------------------------------------------- small helpers

    private static String order(long id, String amount, String product) {
        return "{\"order_id\": " + id + ", \"customer_id\": 4242, \"amount\": " + amount + ", \"product\": \"" + product
                + "\", \"status\": \"paid\"}";
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(ComposeEnvironmentIT::key).toList();
    }

    private static long total(ClusterReader out, String topic) {
        return out.committedEndOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits until each service answers 200 on /health/ready at its port; returns those that did not in time. */
    private static Map<String, Integer> notReadyOverHttp(Map<String, Integer> ports) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Integer> notReady = new TreeMap<>(ports);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!notReady.isEmpty() && System.nanoTime() < deadline) {
            notReady.values().removeIf(port -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return notReady;
    }

    /** Runs the Dockerfile's HEALTHCHECK command here, with HTTP_PORT set; returns its exit code. */
    private static int dockerHealthcheck(int httpPort) throws Exception {
        Matcher m = Pattern.compile("HEALTHCHECK[^\\n]*\\\\\\n\\s*CMD (\\[.*])").matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertThat(m.find()).as("HEALTHCHECK ... CMD [...] in the Dockerfile").isTrue();
        List<String> command = new ArrayList<>();
        Json.MAPPER.readTree(m.group(1)).forEach(part -> command.add(part.asText()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put(ServiceConfig.HTTP_PORT, String.valueOf(httpPort));
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("HEALTHCHECK finished").isTrue();
        return process.exitValue();
    }

    private static void waitFor(Supplier<Boolean> condition, Supplier<Boolean> stillWorth, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.get()) {
            if (!stillWorth.get() || System.nanoTime() > deadline) {
                fail("no " + what + " within " + TIMEOUT + "; log:\n" + ServiceProcess.tail(Files.readString(log), 30));
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
