package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import io.orderpipeline.runtime.ServiceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The environment variables a service reads, for the tests that check a deployment file against
 * the code (docker-compose.yml: {@code ComposeEnvironmentIT}; deploy/kubernetes:
 * {@code KubernetesManifestsIT}): the variables common-model's {@link EnvVariable} declares for
 * the service (the code reads no other: ServiceConfig refuses an undeclared name); besides them any
 * {@code KAFKA_*} variable that ServiceConfig turns into a real Kafka Streams, producer, consumer,
 * admin or topic property, and {@code JAVA_TOOL_OPTIONS}, which the JVM reads.
 */
final class ServiceEnvironment {

    /** Read by the JVM itself (the Dockerfile sets it), not by the code. */
    private static final Set<String> READ_BY_THE_JVM = Set.of("JAVA_TOOL_OPTIONS");
    private static final List<String> QUERY_SERVICES = Services.ALL.stream().filter(Service::http).map(Service::name).toList();

    private final String module;
    private final Set<String> names;
    private final boolean http;

    private ServiceEnvironment(String module, Set<String> names, boolean http) {
        this.module = module;
        this.names = names;
        this.http = http;
    }

    /** What the service {@code module} reads. */
    static ServiceEnvironment of(String module) {
        Set<String> names = Arrays.stream(EnvVariable.values()).filter(v -> v.readBy(module)).map(EnvVariable::name)
                .collect(Collectors.toCollection(TreeSet::new));
        return new ServiceEnvironment(module, names, Services.named(module).http());
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
            if (!names.contains(variable) && !READ_BY_THE_JVM.contains(variable) && !isKafkaProperty(variable)) {
                boolean httpOnly = !http && EnvVariable.named(variable).map(v -> v.services().equals(QUERY_SERVICES)).orElse(false);
                problems.add("sets " + variable + ", which " + module + " does not read" + (httpOnly ? " (it serves no HTTP)" : ""));
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
                .anyMatch(ServiceEnvironment::isKnownKafkaProperty);
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
}
