package io.orderpipeline.runtime;

import static io.orderpipeline.common.TestDriverSupport.BASE;
import static io.orderpipeline.common.TestDriverSupport.assertDeadLetter;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.Customer;
import io.orderpipeline.common.Inputs;
import io.orderpipeline.common.Parsed;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topic;
import io.orderpipeline.common.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Bad inputs with the services' configuration: the timestamp check ({@link Inputs}) on the test
 * driver (whose wall clock stands at {@link TestDriverSupport#BASE}): records up to the bound ahead
 * of the clock pass, a record further ahead goes to the dead-letter topic as read, and the records
 * after it still pass; each record handed to the dead-letter topic is counted.
 */
class DeadLettersTest {

    private static final String SERVICE = "inputs-test";
    private static final String ORDER = "{\"order_id\":1,\"customer_id\":42,\"amount\":150.00,\"product\":\"keyboard\"}";
    private static final String CUSTOMER = "{\"customer_id\":42,\"name\":\"Ada\"}";

    private static TopologyTestDriver driver(Map<String, String> env) {
        StreamsBuilder builder = new StreamsBuilder();
        Inputs.orders(builder).mapValues(Parsed::bytes).to("orders-out", Produced.with(Topics.ORDERS.keySerde(), Serdes.ByteArray()));
        Inputs.customers(builder).to("customers-out", Topics.CUSTOMERS.produced());
        Map<String, String> properties = Map.of(Inputs.MAX_AHEAD_PROPERTY,
                String.valueOf(ServiceConfig.of(SERVICE, false, env).maxTimestampAhead().toMillis()));
        return TestDrivers.driver(SERVICE, builder.build(), properties);
    }

    @Test
    void anOrderUpToTheBoundAheadOfTheClockPassesOneFurtherAheadIsDeadLetteredAsRead() {
        try (TopologyTestDriver driver = driver(Map.of())) {
            TestInputTopic<byte[], byte[]> orders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
            TestOutputTopic<byte[], byte[]> out = TestDriverSupport.rawOutput(driver, "orders-out");
            TestOutputTopic<byte[], byte[]> dead = TestDriverSupport.rawOutput(driver, Topics.deadLetter(SERVICE));
            long sentBefore = DeadLetters.sent();

            orders.pipeInput(utf8("past"), utf8(ORDER), BASE.minus(Duration.ofDays(400)));
            orders.pipeInput(utf8("at-bound"), utf8(ORDER), BASE.plus(Inputs.DEFAULT_MAX_AHEAD));
            orders.pipeInput(utf8("ahead"), utf8(ORDER), BASE.plus(Inputs.DEFAULT_MAX_AHEAD).plusMillis(1));
            orders.pipeInput(utf8("fast-clock"), utf8(ORDER), BASE.plus(Duration.ofMinutes(50)));
            orders.pipeInput(utf8("after"), utf8(ORDER), BASE);

            assertThat(out.readRecordsToList()).extracting(r -> new String(r.key())).containsExactly("past", "at-bound", "after");
            TestRecord<byte[], byte[]> first = dead.readRecord();
            assertDeadLetter(first, "1 ms past the bound", utf8("ahead"), utf8(ORDER), "orders", 2,
                    "Invalid Order: timestamp 2026-11-24T10:20:00.001Z is 300001 ms ahead of the wall clock 2026-11-24T10:15:00Z"
                            + " (at most 300000 ms: MAX_TIMESTAMP_AHEAD_SECONDS)");
            assertDeadLetter(dead.readRecord(), "50 min ahead", utf8("fast-clock"), utf8(ORDER), "orders", 3,
                    "Invalid Order: timestamp 2026-11-24T11:05:00Z is 3000000 ms ahead");
            assertThat(dead.isEmpty()).isTrue();
            // /metrics' dead_letter_records_total: the processing handler counted both
            assertThat(DeadLetters.sent() - sentBefore).isEqualTo(2);

            orders.pipeInput(utf8("not-json"), utf8("{"), BASE);
            assertThat(dead.readRecord().key()).isEqualTo(utf8("not-json"));
            assertThat(DeadLetters.sent() - sentBefore).as("and the deserialization handler").isEqualTo(3);
        }
    }

    @Test
    void theBoundIsASetting() {
        try (TopologyTestDriver driver = driver(Map.of(Inputs.MAX_AHEAD_SECONDS, "3600"))) {
            TestInputTopic<byte[], byte[]> orders = TestDriverSupport.rawInput(driver, Topics.ORDERS.name());
            TestOutputTopic<byte[], byte[]> out = TestDriverSupport.rawOutput(driver, "orders-out");
            TestOutputTopic<byte[], byte[]> dead = TestDriverSupport.rawOutput(driver, Topics.deadLetter(SERVICE));
            orders.pipeInput(utf8("fast-clock"), utf8(ORDER), BASE.plus(Duration.ofMinutes(50)));
            orders.pipeInput(utf8("too-fast"), utf8(ORDER), BASE.plus(Duration.ofMinutes(61)));
            assertThat(out.readRecordsToList()).extracting(r -> new String(r.key())).containsExactly("fast-clock");
            assertThat(dead.readRecordsToList()).extracting(r -> new String(r.key())).containsExactly("too-fast");
        }
    }

    @Test
    void customersAreCheckedTooAndATombstonePasses() {
        try (TopologyTestDriver driver = driver(Map.of())) {
            TestInputTopic<byte[], byte[]> customers = TestDriverSupport.rawInput(driver, Topics.CUSTOMERS.name());
            TestOutputTopic<String, Customer> out = TestDriverSupport.output(driver, new Topic<>("customers-out",
                    Topics.CUSTOMERS.keySerde(), Topics.CUSTOMERS.valueSerde()));
            TestOutputTopic<byte[], byte[]> dead = TestDriverSupport.rawOutput(driver, Topics.deadLetter(SERVICE));

            customers.pipeInput(utf8("42"), utf8(CUSTOMER), BASE);
            customers.pipeInput(utf8("43"), utf8(CUSTOMER), BASE.plus(Duration.ofMinutes(50)));
            customers.pipeInput(utf8("42"), null, BASE);

            assertThat(out.readKeyValuesToList()).extracting(kv -> kv.key + "=" + (kv.value == null ? null : kv.value.name()))
                    .containsExactly("42=Ada", "42=null");
            assertDeadLetter(dead.readRecord(), "customer 50 min ahead", utf8("43"), utf8(CUSTOMER), "customers", 1,
                    "Invalid Customer: timestamp 2026-11-24T11:05:00Z is 3000000 ms ahead");
        }
    }
}
