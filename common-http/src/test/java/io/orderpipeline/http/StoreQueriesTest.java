package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.ServiceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every query StoreQueries sends carries its isolation level (the service's QUERY_ISOLATION), for
 * the active copy, a standby copy and all active partitions alike. What each level then reads
 * from a transactional store is shown on a real broker by e2e CommittedReadIT.
 */
class StoreQueriesTest {

    @TempDir
    Path stateDir;

    private RecordingStreams streams;

    @AfterEach
    void close() {
        if (streams != null) {
            streams.close();
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationLevel.class)
    void everyQueryReadsAtTheConfiguredIsolationLevel(IsolationLevel isolation) {
        streams = new RecordingStreams(stateDir);
        StoreQueries queries = new StoreQueries(streams, "test-store", isolation);
        assertThat(queries.isolation()).isEqualTo(isolation);
        KeyQuery<String, Object> query = KeyQuery.withKey("42");

        assertThat((Object) queries.active(query, 1)).isEqualTo("answer");
        assertThat((Object) queries.standby(query, 2)).isEqualTo("answer");
        assertThat(queries.allActive(query)).containsOnlyKeys(0);

        assertThat(streams.requests).hasSize(3);
        assertThat(streams.requests).allSatisfy(r -> assertThat(r.isolationLevel()).isEqualTo(Optional.of(isolation)));
        assertThat(streams.requests).extracting(StateQueryRequest::isRequireActive).containsExactly(true, false, true);
    }

    @Test
    void committedIsWhatTheServicesReadUnlessToldOtherwise() {
        assertThat(ServiceConfig.of("customer-stats", true, Map.of()).queryIsolation())
                .isEqualTo(IsolationLevel.READ_COMMITTED);
    }

    /** An unstarted streams app that records each query and answers "answer" for every partition asked. */
    private static final class RecordingStreams extends KafkaStreams {
        final List<StateQueryRequest<?>> requests = new ArrayList<>();

        RecordingStreams(Path stateDir) {
            super(TestStreams.topology(), props(stateDir));
        }

        private static Properties props(Path stateDir) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-queries-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            return props;
        }

        @Override
        public State state() {
            return State.RUNNING; // allActive asks for a running app
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> StateQueryResult<R> query(StateQueryRequest<R> request) {
            requests.add(request);
            StateQueryResult<R> result = new StateQueryResult<>();
            if (request.isAllPartitions()) {
                result.addResult(0, (QueryResult<R>) QueryResult.forResult("answer"));
            } else {
                request.getPartitions().forEach(p -> result.addResult(p, (QueryResult<R>) QueryResult.forResult("answer")));
            }
            return result;
        }
    }
}
