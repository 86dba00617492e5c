package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.runtime.ServiceConfig;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The environment variables a service's runnable jar reads, for the tests that check a deployment
 * file against the code (docker-compose.yml: {@code ComposeEnvironmentIT}; deploy/kubernetes:
 * {@code KubernetesManifestsIT}). The variables the code reads are the string constants of its
 * classes that look like environment variable names (ServiceConfig's, and each app's own, such as
 * ALERT_THRESHOLD); besides them a service takes any {@code KAFKA_*} variable that ServiceConfig
 * turns into a real Kafka Streams, producer, consumer, admin or topic property, and the JVM reads
 * {@code JAVA_TOOL_OPTIONS}. HTTP_PORT, APPLICATION_SERVER and QUERY_ISOLATION only count for a
 * service with HTTP queries.
 */
final class JarEnvironment {

    /** What an environment variable's name looks like: upper case words joined by underscores. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+");
    private static final Set<String> HTTP_ONLY = Set.of(ServiceConfig.HTTP_PORT, ServiceConfig.APPLICATION_SERVER, ServiceConfig.QUERY_ISOLATION);
    /** Read by the JVM itself (the Dockerfile sets it), not by the code. */
    private static final Set<String> READ_BY_THE_JVM = Set.of("JAVA_TOOL_OPTIONS");

    private final String module;
    private final Set<String> names;
    private final boolean http;

    private JarEnvironment(String module, Set<String> names, boolean http) {
        this.module = module;
        this.names = names;
        this.http = http;
    }

    /** What {@code <module>/target/<module>.jar} reads. */
    static JarEnvironment of(String module) throws IOException {
        Set<String> strings = new TreeSet<>();
        Set<String> appNames = new HashSet<>();
        try (JarFile file = new JarFile(jar(module).toFile())) {
            String mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
            String appPackage = mainClass.substring(0, mainClass.lastIndexOf('.') + 1).replace('.', '/');
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().startsWith("io/orderpipeline/") && entry.getName().endsWith(".class")) {
                    Set<String> names = entry.getName().startsWith(appPackage) ? appNames : new HashSet<>();
                    readConstantPool(file.getInputStream(entry).readAllBytes(), strings, names);
                }
            }
        }
        Set<String> names = strings.stream().filter(s -> ENV_NAME.matcher(s).matches()).collect(Collectors.toCollection(TreeSet::new));
        // an app with HTTP queries gets its configuration from ServiceConfig.fromEnvWithHttp
        return new JarEnvironment(module, names, appNames.contains("fromEnvWithHttp"));
    }

    /** A module's runnable jar, which must have been built (mvn package). */
    static Path jar(String module) {
        Path jar = Pipeline.projectRoot().resolve(module).resolve("target").resolve(module + ".jar");
        assertThat(jar).as("the runnable jar of " + module + " (mvn package)").isRegularFile();
        return jar;
    }

    /** Whether the service serves HTTP queries (HTTP_PORT, APPLICATION_SERVER). */
    boolean servesHttp() {
        return http;
    }

    /** Of {@code variables}, each one this service does not read, as "sets X, which module does not read". */
    List<String> unread(Collection<String> variables) {
        List<String> problems = new ArrayList<>();
        for (String variable : variables) {
            boolean readByCode = names.contains(variable) && (http || !HTTP_ONLY.contains(variable));
            if (!readByCode && !READ_BY_THE_JVM.contains(variable) && !isKafkaProperty(variable)) {
                problems.add("sets " + variable + ", which " + module + " does not read"
                        + (HTTP_ONLY.contains(variable) ? " (it serves no HTTP)" : ""));
            }
        }
        return problems;
    }

    /** Whether ServiceConfig turns {@code variable} into a property Kafka knows. */
    private boolean isKafkaProperty(String variable) {
        if (!variable.startsWith("KAFKA_")) {
            return false;
        }
        String probe = "probe-" + variable;
        Properties props = ServiceConfig.of(module, http, Map.of(variable, probe)).streamsProperties();
        return props.stringPropertyNames().stream().filter(name -> probe.equals(props.getProperty(name)))
                .anyMatch(JarEnvironment::isKnownKafkaProperty);
    }

    private static boolean isKnownKafkaProperty(String name) {
        Set<String> known = new HashSet<>(StreamsConfig.configDef().names());
        known.addAll(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        Set<String> topicConfigs = Arrays.stream(TopicConfig.class.getFields()).filter(f -> f.getName().endsWith("_CONFIG"))
                .map(f -> {
                    try {
                        return (String) f.get(null);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }).collect(Collectors.toSet());
        for (String prefix : List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
                StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX)) {
            if (name.startsWith(prefix)) {
                return known.contains(name.substring(prefix.length()));
            }
        }
        if (name.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            return topicConfigs.contains(name.substring(StreamsConfig.TOPIC_PREFIX.length()));
        }
        return known.contains(name);
    }

    /** JVM spec 4.4: CONSTANT_String entries go to {@code strings}, every Utf8 entry to {@code names}. */
    private static void readConstantPool(byte[] classFile, Set<String> strings, Set<String> names) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt(); // magic
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> stringRefs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 8 -> stringRefs.add(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        stringRefs.forEach(ref -> strings.add(utf8[ref]));
        Arrays.stream(utf8).filter(s -> s != null).forEach(names::add);
    }
}
