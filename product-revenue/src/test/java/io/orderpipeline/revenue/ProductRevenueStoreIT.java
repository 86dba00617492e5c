package io.orderpipeline.revenue;

import static io.orderpipeline.common.TestDriverSupport.header;
import static io.orderpipeline.common.TestDriverSupport.utf8;
import static io.orderpipeline.revenue.ProductRevenueTopology.STORE;
import static io.orderpipeline.revenue.ProductRevenueTopology.WINDOW_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.orderpipeline.broker.ContractTopics;
import io.orderpipeline.broker.KafkaBroker;
import io.orderpipeline.common.Order;
import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.TestDriverSupport;
import io.orderpipeline.common.Topics;
import io.orderpipeline.runtime.ServiceConfig;
import io.orderpipeline.runtime.StreamsApp;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's real streams app (its own configuration: exactly-once, dead-letter topic) on a
 * real broker with 3-partition topics: the final records, the dead-letter topic, and the window
 * store with the query APIs the HTTP API uses, IQv2 and the classic {@code store(...)}.
 */
class ProductRevenueStoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * The orders of this test go round the partitions of {@code orders}: an hour ahead in one
     * partition does not close a window that another partition has not passed.
     */
    private static final int PARTITIONS = 3;
    private static final HostInfo THIS_INSTANCE = new HostInfo("revenue-it", 8080);
    private static final Instant TEN = TestDriverSupport.BASE.truncatedTo(ChronoUnit.HOURS);
    private static final Instant ELEVEN = TEN.plus(WINDOW_SIZE);
    private static final Instant TWELVE = ELEVEN.plus(WINDOW_SIZE);

    private static final RevenueTotals KEYBOARD_TEN = new RevenueTotals(new BigDecimal("100.30"), 2);
    private static final RevenueTotals KEYBOARD_ELEVEN = new RevenueTotals(new BigDecimal("50.00"), 1);
    private static final RevenueTotals MOUSE_TEN = new RevenueTotals(new BigDecimal("20.00"), 1);
    private static final RevenueTotals MOUSE_ELEVEN = new RevenueTotals(new BigDecimal("0.30"), 2);

    @TempDir
    static Path dir;
    private static KafkaBroker broker;
    private static StreamsApp app;
    private static KafkaStreams streams;
    private static KafkaProducer<String, byte[]> producer;
    private static final List<ConsumerRecord<String, ProductRevenue>> HOURLY = new ArrayList<>();

    @BeforeAll
    static void runTheServiceOverTwoClosedHours() {
        broker = KafkaBroker.startOnFreePort(dir.resolve("broker"));
        ContractTopics.create(broker.bootstrapServers(), PARTITIONS);
        ServiceConfig config = ServiceConfig.of(Services.PRODUCT_REVENUE, Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                ServiceConfig.STATE_DIR, dir.resolve("state").toString(),
                ServiceConfig.APPLICATION_SERVER, THIS_INSTANCE.host() + ":" + THIS_INSTANCE.port()));
        app = StreamsApp.create(config, ProductRevenueApp.topology(config)).start();
        streams = app.streams();
        await("RUNNING", () -> streams.state() == KafkaStreams.State.RUNNING);

        producer = producer();
        send("keyboard", "100.10", TEN.plusSeconds(300));
        send("keyboard", "0.20", ELEVEN.minusMillis(1));
        send("keyboard", "50.00", ELEVEN);
        send("mouse", "20.00", TEN.plusSeconds(1800));
        send("mouse", "0.10", ELEVEN.plusSeconds(1800));
        send("mouse", "0.20", ELEVEN.plusSeconds(2700));
        producer.send(new ProducerRecord<>(Topics.ORDERS.name(), null, TEN.toEpochMilli(), "bad-1", utf8("not an order")));

        // A window closes once every partition of orders has passed its end + grace: keep orders
        // at 12:10 flowing (their keys spread them over the partitions) until the 10:00 and 11:00
        // windows have come out.
        try (KafkaConsumer<String, ProductRevenue> consumer = readCommitted(Topics.PRODUCT_REVENUE_HOURLY.keySerde().deserializer(),
                Topics.PRODUCT_REVENUE_HOURLY.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.PRODUCT_REVENUE_HOURLY.name()));
            await("the final records of 10:00 and 11:00", () -> {
                send("keyboard", "1.00", TWELVE.plusSeconds(600));
                send("mouse", "1.00", TWELVE.plusSeconds(600));
                consumer.poll(Duration.ofMillis(200)).forEach(HOURLY::add);
                return HOURLY.size() >= 4;
            });
        }
    }

    @AfterAll
    static void stop() {
        TestDriverSupport.closeAll(producer, app, broker);
    }

    @Test
    void eachClosedWindowComesOutOncePerProductReadCommitted() {
        assertThat(HOURLY).extracting(ConsumerRecord::key, ConsumerRecord::value).containsExactlyInAnyOrder(
                tuple("keyboard", revenue("keyboard", TEN, KEYBOARD_TEN)),
                tuple("mouse", revenue("mouse", TEN, MOUSE_TEN)),
                tuple("keyboard", revenue("keyboard", ELEVEN, KEYBOARD_ELEVEN)),
                tuple("mouse", revenue("mouse", ELEVEN, MOUSE_ELEVEN)));
    }

    @Test
    void aBadOrderGoesToTheDeadLetterTopicReadCommitted() {
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(Services.PRODUCT_REVENUE.name())));
            await("the dead letter", () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return !dead.isEmpty();
            });
        }
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).key())).isEqualTo("bad-1");
        assertThat(new String(dead.get(0).value())).isEqualTo("not an order");
        assertThat(header(dead.get(0).headers(), "__streams.errors.topic")).isEqualTo(Topics.ORDERS.name());
        assertThat(header(dead.get(0).headers(), "__streams.errors.message")).startsWith("Invalid Order");
    }

    /** (a) one product, one window: WindowKeyQuery with from = to = the window start, on the key's partition. */
    @Test
    void iqv2OneProductOneWindow() {
        KeyQueryMetadata where = streams.queryMetadataForKey(STORE, "keyboard", Topics.PRODUCT_REVENUE_HOURLY.keySerde().serializer());
        assertThat(where.activeHost()).isEqualTo(THIS_INSTANCE);

        StateQueryResult<WindowStoreIterator<RevenueTotals>> result = streams.query(StateQueryRequest.inStore(STORE)
                .withQuery(WindowKeyQuery.<String, RevenueTotals>withKeyAndWindowStartRange("keyboard", TEN, TEN))
                .withPartitions(Set.of(where.partition()))
                .requireActive());
        List<KeyValue<Long, RevenueTotals>> windows = drain(result.getOnlyPartitionResult());

        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).key).isEqualTo(TEN.toEpochMilli());
        assertThat(windows.get(0).value).isEqualTo(KEYBOARD_TEN);
    }

    /** (b) one product, a range of windows: WindowKeyQuery over the window starts, oldest first. */
    @Test
    void iqv2OneProductRangeOfWindows() {
        StateQueryResult<WindowStoreIterator<RevenueTotals>> result = streams.query(StateQueryRequest.inStore(STORE)
                .withQuery(WindowKeyQuery.<String, RevenueTotals>withKeyAndWindowStartRange("mouse", TEN.minus(WINDOW_SIZE), ELEVEN))
                .requireActive());
        List<KeyValue<Long, RevenueTotals>> windows = new ArrayList<>();
        result.getPartitionResults().values().forEach(partition -> windows.addAll(drain(partition)));

        assertThat(windows).extracting(kv -> kv.key, kv -> kv.value).containsExactly(
                tuple(TEN.toEpochMilli(), MOUSE_TEN),
                tuple(ELEVEN.toEpochMilli(), MOUSE_ELEVEN));
    }

    /** (c) all products of one window: WindowRangeQuery.withWindowStartRange(start, start), every partition. */
    @Test
    void iqv2AllProductsOfOneWindow() {
        StateQueryResult<KeyValueIterator<Windowed<String>, RevenueTotals>> result = streams.query(StateQueryRequest.inStore(STORE)
                .withQuery(WindowRangeQuery.<String, RevenueTotals>withWindowStartRange(ELEVEN, ELEVEN))
                .requireActive());
        Map<String, RevenueTotals> products = new HashMap<>();
        result.getPartitionResults().values().forEach(partition -> {
            assertThat(partition.isSuccess()).as(String.valueOf(partition)).isTrue();
            try (KeyValueIterator<Windowed<String>, RevenueTotals> it = partition.getResult()) {
                it.forEachRemaining(kv -> {
                    assertThat(kv.key.window().start()).isEqualTo(ELEVEN.toEpochMilli());
                    products.put(kv.key.key(), kv.value);
                });
            }
        });
        assertThat(products).isEqualTo(Map.of("keyboard", KEYBOARD_ELEVEN, "mouse", MOUSE_ELEVEN));
    }

    @Test
    void iqv2WindowRangeQueryByKeyIsNotSupportedByWindowStores() {
        StateQueryResult<KeyValueIterator<Windowed<String>, RevenueTotals>> result = streams.query(StateQueryRequest.inStore(STORE)
                .withQuery(WindowRangeQuery.<String, RevenueTotals>withKey("keyboard"))
                .requireActive());
        assertThat(result.getPartitionResults()).isNotEmpty();
        result.getPartitionResults().values().forEach(partition -> {
            assertThat(partition.isFailure()).isTrue();
            assertThat(partition.getFailureReason()).isEqualTo(FailureReason.UNKNOWN_QUERY_TYPE);
        });
    }

    /** The classic API answers the same three questions from the same store. */
    @Test
    void classicStoreApiAnswersTheSameThreeQuestions() {
        ReadOnlyWindowStore<String, RevenueTotals> store = streams.store(
                StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<String, RevenueTotals>windowStore()));

        assertThat(store.fetch("keyboard", TEN.toEpochMilli())).isEqualTo(KEYBOARD_TEN);
        try (WindowStoreIterator<RevenueTotals> range = store.fetch("keyboard", TEN, ELEVEN)) {
            List<KeyValue<Long, RevenueTotals>> windows = new ArrayList<>();
            range.forEachRemaining(windows::add);
            assertThat(windows).containsExactly(KeyValue.pair(TEN.toEpochMilli(), KEYBOARD_TEN),
                    KeyValue.pair(ELEVEN.toEpochMilli(), KEYBOARD_ELEVEN));
        }
        try (KeyValueIterator<Windowed<String>, RevenueTotals> all = store.fetchAll(TEN, TEN)) {
            Map<String, RevenueTotals> products = new HashMap<>();
            all.forEachRemaining(kv -> products.put(kv.key.key(), kv.value));
            assertThat(products).isEqualTo(Map.of("keyboard", KEYBOARD_TEN, "mouse", MOUSE_TEN));
        }
    }

    private static List<KeyValue<Long, RevenueTotals>> drain(QueryResult<WindowStoreIterator<RevenueTotals>> partition) {
        assertThat(partition.isSuccess()).as(String.valueOf(partition)).isTrue();
        List<KeyValue<Long, RevenueTotals>> windows = new ArrayList<>();
        try (WindowStoreIterator<RevenueTotals> it = partition.getResult()) {
            it.forEachRemaining(windows::add);
        }
        return windows;
    }

    private static ProductRevenue revenue(String product, Instant start, RevenueTotals totals) {
        return new ProductRevenue(product, start, start.plus(WINDOW_SIZE), totals.revenue(), totals.orders());
    }

    private static long orderId;

    private static void send(String product, String amount, Instant timestamp) {
        orderId++;
        Order order = new Order(orderId, 42, new BigDecimal(amount), product, "paid");
        producer.send(new ProducerRecord<>(Topics.ORDERS.name(), (int) (orderId % PARTITIONS), timestamp.toEpochMilli(), String.valueOf(orderId),
                Topics.ORDERS.valueSerde().serializer().serialize(Topics.ORDERS.name(), order)));
        producer.flush();
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static <K, V> KafkaConsumer<K, V> readCommitted(Deserializer<K> keys,
            Deserializer<V> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "revenue-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, keys, values);
    }

    private static void await(String what, BooleanSupplier condition) {
        TestDriverSupport.await(what, TIMEOUT, condition);
    }
}
