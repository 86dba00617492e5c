package io.orderpipeline.runtime;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A service's configuration, read from the environment in one place (CONTRACT.md, Configuration):
 * built-in defaults, then the contract's variables, then any {@code KAFKA_*} variable as a Kafka
 * property: {@code KAFKA_} dropped, lower-cased, {@code _} read as {@code .}
 * ({@code KAFKA_SECURITY_PROTOCOL=SASL_SSL} sets {@code security.protocol},
 * {@code KAFKA_PRODUCER_COMPRESSION_TYPE=lz4} sets {@code producer.compression.type}).
 */
public final class ServiceConfig {

    public static final String BOOTSTRAP_SERVERS = EnvVariable.KAFKA_BOOTSTRAP_SERVERS.name();
    public static final String APPLICATION_ID = EnvVariable.APPLICATION_ID.name();
    public static final String STATE_DIR = EnvVariable.STATE_DIR.name();
    public static final String HTTP_PORT = EnvVariable.HTTP_PORT.name();
    public static final String MANAGEMENT_PORT = EnvVariable.MANAGEMENT_PORT.name();
    public static final String APPLICATION_SERVER = EnvVariable.APPLICATION_SERVER.name();
    public static final String PROCESSING_GUARANTEE = EnvVariable.PROCESSING_GUARANTEE.name();
    /**
     * Warm copies of each task's state on other instances. Under {@code group.protocol=streams} the
     * count is a group config on the broker, which {@link GroupProtocol#prepare} sets to this.
     */
    public static final String NUM_STANDBY_REPLICAS = EnvVariable.NUM_STANDBY_REPLICAS.name();
    /**
     * What HTTP queries read: {@code read_committed} (default: only state whose transaction has
     * committed) or {@code read_uncommitted} (also the writes of the open transaction). Sets
     * Kafka's {@code default.interactive.query.isolation.level}.
     */
    public static final String QUERY_ISOLATION = EnvVariable.QUERY_ISOLATION.name();

    /** The producer's {@code batch.size} unless {@code KAFKA_PRODUCER_BATCH_SIZE} says otherwise. */
    private static final String PRODUCER_BATCH_SIZE = "131072";

    private static final String KAFKA_PREFIX = EnvVariable.KAFKA_PREFIX;
    /** Variables the JVM and Kafka's own scripts use; they are not Kafka properties. */
    private static final Pattern NOT_A_PROPERTY = Pattern.compile("KAFKA_(HEAP_OPTS|OPTS|JVM_PERFORMANCE_OPTS|LOG4J_OPTS|DEBUG)");
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|\\.key$).*");

    private final String service;
    private final boolean http;
    private final Map<String, String> env;
    private final Map<String, String> serviceDefaults;

    private ServiceConfig(String service, boolean http, Map<String, String> env, Map<String, String> serviceDefaults) {
        this.service = service;
        this.http = http;
        this.env = Map.copyOf(env);
        this.serviceDefaults = Map.copyOf(serviceDefaults);
    }

    /** The configuration of {@code service} from this process's environment; HTTP queries if the inventory says it serves them. */
    public static ServiceConfig fromEnv(Service service) {
        return of(service, System.getenv());
    }

    /** The configuration of {@code service} from {@code env}, as {@link #fromEnv} reads it. */
    public static ServiceConfig of(Service service, Map<String, String> env) {
        return of(service.name(), service.http(), env);
    }

    public static ServiceConfig of(String service, boolean http, Map<String, String> env) {
        return new ServiceConfig(service, http, env, Map.of());
    }

    /**
     * This configuration with a service's own default for one Kafka property: applied after the
     * suite's defaults, before the environment (a {@code KAFKA_*} variable still wins).
     */
    public ServiceConfig withDefault(String property, String value) {
        Map<String, String> defaults = new TreeMap<>(serviceDefaults);
        defaults.put(property, value);
        return new ServiceConfig(service, http, env, defaults);
    }

    public String service() {
        return service;
    }

    public String applicationId() {
        return get(APPLICATION_ID, service);
    }

    public int httpPort() {
        return getInt(HTTP_PORT, 8080);
    }

    /** The port of {@code /health/*} and {@code /metrics}: {@code MANAGEMENT_PORT}, default the query port ({@link #httpPort()}). */
    public int managementPort() {
        return getInt(MANAGEMENT_PORT, httpPort());
    }

    /** The host:port other instances of this service use to reach this one over HTTP. */
    public String applicationServer() {
        return get(APPLICATION_SERVER, "localhost:" + httpPort());
    }

    /**
     * An environment variable, or the default when it is unset or blank. Only a variable of
     * {@link EnvVariable} or a {@code KAFKA_*} one may be read: any other name is a mistake of the code.
     */
    public String get(String name, String defaultValue) {
        if (EnvVariable.named(name).isEmpty() && !name.startsWith(KAFKA_PREFIX)) {
            throw new IllegalStateException(name + " is read but not declared in " + EnvVariable.class.getName());
        }
        String value = env.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** A declared environment variable, or the default when it is unset or blank. */
    public String get(EnvVariable variable, String defaultValue) {
        return get(variable.name(), defaultValue);
    }

    public int getInt(EnvVariable variable, int defaultValue) {
        return getInt(variable.name(), defaultValue);
    }

    public int getInt(String name, int defaultValue) {
        String value = get(name, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
        }
    }

    /** {@code NUM_STANDBY_REPLICAS}, else {@code KAFKA_NUM_STANDBY_REPLICAS}, if either is set; at least 0. */
    public OptionalInt standbyReplicas() {
        String name = get(NUM_STANDBY_REPLICAS, null) != null ? NUM_STANDBY_REPLICAS : "KAFKA_NUM_STANDBY_REPLICAS";
        if (get(name, null) == null) {
            return OptionalInt.empty();
        }
        int standbys = getInt(name, 0);
        if (standbys < 0) {
            throw new IllegalArgumentException(name + " must be at least 0, got " + standbys);
        }
        return OptionalInt.of(standbys);
    }

    /** How far a record's timestamp may be ahead of the wall clock ({@link Inputs}); at least 0. */
    public Duration maxTimestampAhead() {
        int seconds = getInt(Inputs.MAX_AHEAD_SECONDS, (int) Inputs.DEFAULT_MAX_AHEAD.toSeconds());
        if (seconds < 0) {
            throw new IllegalArgumentException(Inputs.MAX_AHEAD_SECONDS + " must be at least 0, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * The isolation level of interactive queries: {@code QUERY_ISOLATION}, unless
     * {@code KAFKA_DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL} says otherwise (as for every Kafka
     * property); read committed by default. Committed reads need transactional state stores (on by
     * default); without them a store holds the open transaction's writes and every read sees them.
     */
    public IsolationLevel queryIsolation() {
        String value = streamsProperties().getProperty(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG);
        return IsolationLevel.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    private String queryIsolationSetting() {
        String value = get(QUERY_ISOLATION, IsolationLevel.READ_COMMITTED.name()).toUpperCase(Locale.ROOT);
        if (!value.equals(IsolationLevel.READ_COMMITTED.name()) && !value.equals(IsolationLevel.READ_UNCOMMITTED.name())) {
            throw new IllegalArgumentException(QUERY_ISOLATION + " must be read_committed or read_uncommitted, got '"
                    + get(QUERY_ISOLATION, "") + "'");
        }
        return value;
    }

    /** Everything the streams app is started with: defaults, contract variables, then KAFKA_* overrides. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG,
                get(STATE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toString()));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, get(PROCESSING_GUARANTEE, StreamsConfig.EXACTLY_ONCE_V2));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, String.valueOf(standbyReplicas().orElse(0)));
        props.put(Inputs.MAX_AHEAD_PROPERTY, String.valueOf(maxTimestampAhead().toMillis()));
        // KIP-892: a store's writes are buffered until their transaction commits, so the local state
        // survives a kill -9 under exactly-once (not wiped and rebuilt from the changelog), and
        // queries can read committed state only
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, "true");
        props.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, queryIsolationSetting());
        // bad records go to <application.id>-dlq with their bytes and error headers; processing goes on
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.deadLetter(applicationId()));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnDeserialization.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnProcessing.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // 128 KB producer batches instead of 16 KB: outputs, repartition and changelog records go out
        // in fewer, larger requests (measured: benchmarks/RESULTS.md, "Tuning")
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_SIZE);
        if (http) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer());
        }
        props.putAll(serviceDefaults);
        env.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PREFIX) && !NOT_A_PROPERTY.matcher(name).matches() && value != null) {
                props.put(name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        if (GroupProtocol.isStreams(props)) {
            // the streams protocol takes the standby count from the group config (GroupProtocol.prepare);
            // the client setting would only be logged as ignored
            props.remove(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        }
        return props;
    }

    /** The streams properties as one line per property, sorted, secrets masked: safe to log. */
    public String describe() {
        Map<String, String> sorted = new TreeMap<>();
        streamsProperties().forEach((k, v) -> sorted.put(k.toString(), mask(k.toString(), v.toString())));
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append("\n  ").append(k).append(" = ").append(v));
        return out.toString();
    }

    static String mask(String key, String value) {
        return SECRET.matcher(key).matches() ? "****" : value;
    }
}
