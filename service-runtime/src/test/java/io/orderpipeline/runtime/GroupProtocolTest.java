package io.orderpipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.Services;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class GroupProtocolTest {

    private static final List<String> BOOTSTRAP = List.of("broker-1:9092", "broker-2:9092");

    @Test
    void classicByDefaultStreamsFromTheEnvironment() {
        Properties classic = ServiceConfig.of(Services.CUSTOMER_STATS, Map.of("NUM_STANDBY_REPLICAS", "1")).streamsProperties();
        assertThat(GroupProtocol.of(classic)).isEqualTo(GroupProtocol.CLASSIC);
        assertThat(classic).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");

        ServiceConfig config = ServiceConfig.of(Services.CUSTOMER_STATS, Map.of("KAFKA_GROUP_PROTOCOL", "streams",
                "NUM_STANDBY_REPLICAS", "1", "KAFKA_GROUP_INSTANCE_ID", "customer-stats-1"));
        Properties streams = config.streamsProperties();
        assertThat(streams).containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams")
                .containsEntry("group.instance.id", "customer-stats-1")
                // ignored by the streams protocol (logged as such): the group config holds it
                .doesNotContainKey(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        assertThat(GroupProtocol.isStreams(streams)).isTrue();
        assertThat(config.standbyReplicas()).isEqualTo(OptionalInt.of(1));
        // Kafka Streams takes it as written
        assertThat(new StreamsConfig(streams).getString(StreamsConfig.GROUP_PROTOCOL_CONFIG)).isEqualTo("streams");
    }

    @Test
    void standbyReplicasSetOrNot() {
        assertThat(ServiceConfig.of("s", false, Map.of()).standbyReplicas()).isEmpty();
        assertThat(ServiceConfig.of("s", false, Map.of("NUM_STANDBY_REPLICAS", "0")).standbyReplicas()).hasValue(0);
        assertThat(ServiceConfig.of("s", false, Map.of("KAFKA_NUM_STANDBY_REPLICAS", "2")).standbyReplicas()).hasValue(2);
        assertThatThrownBy(() -> ServiceConfig.of("s", false, Map.of("NUM_STANDBY_REPLICAS", "-1")).standbyReplicas())
                .hasMessageContaining("NUM_STANDBY_REPLICAS must be at least 0");
    }

    @Test
    void setsTheGroupConfigOnlyWhenItDiffers() {
        FakeConfigs configs = new FakeConfigs(0);
        GroupProtocol.apply(configs, "customer-stats", 1, BOOTSTRAP);
        assertThat(configs.value).isEqualTo(1);
        assertThat(configs.writes).containsExactly(1);

        GroupProtocol.apply(configs, "customer-stats", 1, BOOTSTRAP);
        assertThat(configs.writes).as("already 1: only read").containsExactly(1);
    }

    @Test
    void aDeniedChangeNamesTheRightAndTheOperatorsCommand() {
        FakeConfigs configs = new FakeConfigs(0);
        configs.denyWrite = true;
        assertThatThrownBy(() -> GroupProtocol.apply(configs, "customer-stats", 1, BOOTSTRAP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs ALTER_CONFIGS on group customer-stats")
                .hasMessageContaining("kafka-configs.sh --bootstrap-server broker-1:9092,broker-2:9092 --alter --entity-type groups"
                        + " --entity-name customer-stats --add-config streams.num.standby.replicas=1")
                .hasCauseInstanceOf(GroupAuthorizationException.class);

        configs.denyRead = true;
        assertThatThrownBy(() -> GroupProtocol.apply(configs, "customer-stats", 1, BOOTSTRAP))
                .hasMessageContaining("needs DESCRIBE_CONFIGS on group customer-stats");
    }

    @Test
    void aSetGroupConfigNeedsNoAlterRight() {
        FakeConfigs configs = new FakeConfigs(1);
        configs.denyWrite = true;
        GroupProtocol.apply(configs, "customer-stats", 1, BOOTSTRAP);
        assertThat(configs.writes).isEmpty();
    }

    private static final class FakeConfigs implements GroupProtocol.GroupConfigs {
        int value;
        boolean denyRead;
        boolean denyWrite;
        final List<Integer> writes = new ArrayList<>();

        FakeConfigs(int value) {
            this.value = value;
        }

        @Override
        public int standbys(String group) throws Exception {
            if (denyRead) {
                throw new ExecutionException(new GroupAuthorizationException("denied", group));
            }
            return value;
        }

        @Override
        public void setStandbys(String group, int standbys) throws Exception {
            if (denyWrite) {
                throw new ExecutionException(new GroupAuthorizationException("denied", group));
            }
            value = standbys;
            writes.add(standbys);
        }
    }
}
