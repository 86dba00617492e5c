package io.orderpipeline.common;

import static io.orderpipeline.common.TestDriverSupport.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.Test;

/**
 * The timestamp check every service reads its inputs through: its rule, its default and its place
 * in the topology. On a test driver with the services' handlers: service-runtime's {@code DeadLettersTest}.
 */
class InputsTest {

    @Test
    void anyTimestampCanBeJudgedAndNamed() {
        long now = BASE.toEpochMilli();
        Validation.timestamp(Long.MIN_VALUE, now, 0);
        Validation.timestamp(now, now, 0);
        assertThatThrownBy(() -> Validation.timestamp(Long.MAX_VALUE, now, Long.MAX_VALUE - now - 1))
                .hasMessageStartingWith("timestamp +292278994-08-17T07:12:55.807Z is ");
    }

    @Test
    void theDefaultAppliesWhenTheAppIsNotConfigured() {
        assertThat(Inputs.maxAheadMs(null)).isEqualTo(Inputs.DEFAULT_MAX_AHEAD.toMillis());
        assertThat(Inputs.maxAheadMs("60000")).isEqualTo(60_000);
    }

    @Test
    void theCheckComesRightAfterTheSourceWithNamedNodes() {
        StreamsBuilder builder = new StreamsBuilder();
        Inputs.orders(builder).foreach((k, v) -> { }, Named.as("sink"));
        assertThat(builder.build().describe().toString())
                .contains("Source: orders-source (topics: [orders])\n      --> orders-timestamp-check");
    }
}
