package io.orderpipeline.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance protocol of a service's group: {@code classic} (the default: the assignment is
 * computed in a client) or {@code streams} (KIP-1071, {@code KAFKA_GROUP_PROTOCOL=streams}: the
 * group coordinator on the broker assigns the tasks). Under {@code streams} the client's
 * {@code num.standby.replicas} is ignored: the standby count is the group config
 * {@value #STANDBY_REPLICAS_CONFIG} of the group named after the application id. So when
 * {@code NUM_STANDBY_REPLICAS} (or {@code KAFKA_NUM_STANDBY_REPLICAS}) is set, {@link #prepare}
 * makes the group config say the same before the streams app starts: it reads it
 * ({@code DESCRIBE_CONFIGS} on the group) and sets it if it differs ({@code ALTER_CONFIGS} on the
 * group). Without that right the start fails with an error naming it and the one command an
 * operator can run instead ({@link #operatorCommand}); once the group config holds the count, the
 * service only reads it. Unset, the group config decides (the broker's
 * {@code group.streams.num.standby.replicas}, 0, unless an operator set the group's).
 */
public final class GroupProtocol {

    private static final Logger log = LoggerFactory.getLogger(GroupProtocol.class);

    public static final String CLASSIC = "classic";
    public static final String STREAMS = "streams";
    /** The group config (resource type GROUP, name: the application id) holding the standby count under {@code streams}. */
    public static final String STANDBY_REPLICAS_CONFIG = "streams.num.standby.replicas";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private GroupProtocol() {
    }

    /** {@code classic} or {@code streams}: Kafka's {@code group.protocol} as the service runs it (default classic). */
    public static String of(Properties streamsProperties) {
        return String.valueOf(streamsProperties.getOrDefault(StreamsConfig.GROUP_PROTOCOL_CONFIG, CLASSIC)).trim().toLowerCase(Locale.ROOT);
    }

    public static boolean isStreams(Properties streamsProperties) {
        return of(streamsProperties).equals(STREAMS);
    }

    /**
     * Before the streams app starts: under the streams protocol with a standby count set, makes the
     * group's {@value #STANDBY_REPLICAS_CONFIG} equal to it, through an admin client with the
     * service's own settings. Throws {@link IllegalStateException} (naming the right and the
     * operator's command) when that is denied or the broker cannot be asked.
     */
    public static void prepare(ServiceConfig config) {
        Properties props = config.streamsProperties();
        if (!isStreams(props)) {
            return;
        }
        OptionalInt standbys = config.standbyReplicas();
        String group = config.applicationId();
        if (standbys.isEmpty()) {
            log.info("{}: group.protocol=streams; standby replicas: the group config {} of group {} (NUM_STANDBY_REPLICAS not set)",
                    config.service(), STANDBY_REPLICAS_CONFIG, group);
            return;
        }
        StreamsConfig streams = new StreamsConfig(props);
        Map<String, Object> adminConfig = streams.getAdminConfigs(group + "-group-config");
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(adminConfig)) {
            apply(new AdminGroupConfigs(admin), group, standbys.getAsInt(), streams.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        }
    }

    /** The group config's view of the standby count and how to change it; an admin client in production. */
    interface GroupConfigs {
        /** The group's {@value #STANDBY_REPLICAS_CONFIG}: its own, or the broker's default; -1 if not told. */
        int standbys(String group) throws Exception;

        void setStandbys(String group, int standbys) throws Exception;
    }

    static void apply(GroupConfigs configs, String group, int standbys, List<String> bootstrap) {
        int current;
        try {
            current = configs.standbys(group);
        } catch (Exception e) {
            throw failure(group, standbys, bootstrap, "DESCRIBE_CONFIGS", "read", e);
        }
        if (current == standbys) {
            log.info("group {}: {}={} as NUM_STANDBY_REPLICAS says", group, STANDBY_REPLICAS_CONFIG, standbys);
            return;
        }
        try {
            configs.setStandbys(group, standbys);
        } catch (Exception e) {
            throw failure(group, standbys, bootstrap, "ALTER_CONFIGS", "set", e);
        }
        log.info("group {}: {} set from {} to {} (NUM_STANDBY_REPLICAS; group.protocol=streams)", group, STANDBY_REPLICAS_CONFIG,
                current, standbys);
    }

    private static IllegalStateException failure(String group, int standbys, List<String> bootstrap, String right, String verb,
            Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String why = cause instanceof AuthorizationException
                ? "denied: this service needs " + right + " on group " + group
                : "failed (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
        if (cause instanceof org.apache.kafka.common.errors.InvalidConfigurationException
                || cause instanceof org.apache.kafka.common.errors.InvalidRequestException) {
            why += "; the broker caps it at group.streams.max.standby.replicas (default 2)";
        }
        return new IllegalStateException("NUM_STANDBY_REPLICAS=" + standbys + " under group.protocol=streams is the group config "
                + STANDBY_REPLICAS_CONFIG + " of group " + group + " on the broker, and to " + verb + " it " + why
                + ". Grant it, or have an operator run: " + operatorCommand(bootstrap, group, standbys)
                + " (then the service only reads it: DESCRIBE_CONFIGS on the group), or leave NUM_STANDBY_REPLICAS unset"
                + " to take the group config as it is", cause);
    }

    /** The one command that sets the standby count of a streams group. */
    static String operatorCommand(List<String> bootstrap, String group, int standbys) {
        return "kafka-configs.sh --bootstrap-server " + String.join(",", bootstrap) + " --alter --entity-type groups --entity-name "
                + group + " --add-config " + STANDBY_REPLICAS_CONFIG + "=" + standbys;
    }

    private record AdminGroupConfigs(Admin admin) implements GroupConfigs {
        @Override
        public int standbys(String group) throws Exception {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            Config config = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
            return Optional.ofNullable(config == null ? null : config.get(STANDBY_REPLICAS_CONFIG)).map(ConfigEntry::value)
                    .filter(v -> !v.isBlank()).map(Integer::parseInt).orElse(-1);
        }

        @Override
        public void setStandbys(String group, int standbys) throws Exception {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            AlterConfigOp set = new AlterConfigOp(new ConfigEntry(STANDBY_REPLICAS_CONFIG, String.valueOf(standbys)), AlterConfigOp.OpType.SET);
            get(admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all());
        }

        private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
            try {
                return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("no answer from the broker in " + TIMEOUT);
            }
        }
    }
}
