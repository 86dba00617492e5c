package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.runtime.ServiceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every query StoreQueries sends carries its isolation level (the service's QUERY_ISOLATION), for
 * the active copy, a standby copy and all active partitions alike; read committed, a key query
 * goes as a range of that one key (past the record cache). What each level then reads from a
 * transactional store is shown on a real broker by e2e CommittedReadIT.
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
        for (StateQueryRequest<?> request : streams.requests) {
            if (isolation == IsolationLevel.READ_COMMITTED) {
                assertThat(request.getQuery()).isInstanceOfSatisfying(RangeQuery.class, range -> {
                    assertThat(range.getLowerBound()).contains("42");
                    assertThat(range.getUpperBound()).contains("42");
                });
            } else {
                assertThat(request.getQuery()).isSameAs(query);
            }
        }
        assertThat(streams.openIterators).isZero();
    }

    @Test
    void aCommittedKeyReadOfAnAbsentKeyIsNull() {
        streams = new RecordingStreams(stateDir);
        streams.empty = true;
        StoreQueries queries = new StoreQueries(streams, "test-store", IsolationLevel.READ_COMMITTED);
        assertThat((Object) queries.active(KeyQuery.<String, Object>withKey("42"), 0)).isNull();
        assertThat(streams.openIterators).isZero();
    }

    @Test
    void committedIsWhatTheServicesReadUnlessToldOtherwise() {
        assertThat(ServiceConfig.of("customer-stats", true, Map.of()).queryIsolation())
                .isEqualTo(IsolationLevel.READ_COMMITTED);
    }

    /**
     * An unstarted streams app that records each query and answers "answer" for every partition
     * asked (a range: one entry "42" -> "answer", or none when {@code empty}).
     */
    private static final class RecordingStreams extends KafkaStreams {
        final List<StateQueryRequest<?>> requests = new ArrayList<>();
        boolean empty;
        int openIterators;

        RecordingStreams(Path stateDir) {
            super(TestStreams.topology(), TestStreams.properties(stateDir));
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
            List<Integer> partitions = request.isAllPartitions() ? List.of(0) : List.copyOf(request.getPartitions());
            for (int p : partitions) {
                Object answer = request.getQuery() instanceof RangeQuery<?, ?> ? iterator() : "answer";
                result.addResult(p, (QueryResult<R>) QueryResult.forResult(answer));
            }
            return result;
        }

        private KeyValueIterator<Object, Object> iterator() {
            openIterators++;
            java.util.Iterator<KeyValue<Object, Object>> entries =
                    empty ? java.util.Collections.emptyIterator() : List.of(KeyValue.<Object, Object>pair("42", "answer")).iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public KeyValue<Object, Object> next() {
                    return entries.next();
                }

                @Override
                public Object peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                    openIterators--;
                }
            };
        }
    }
}
