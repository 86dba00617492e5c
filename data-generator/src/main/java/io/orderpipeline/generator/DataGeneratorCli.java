package io.orderpipeline.generator;

import io.orderpipeline.common.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar data-generator.jar}: writes customers, then a stream of orders, to a Kafka cluster. */
@Command(name = "data-generator", mixinStandardHelpOptions = true, sortOptions = false,
        version = "data-generator 1.0.0-SNAPSHOT (order-pipeline)",
        description = "Writes every customer once to the customers topic, then a steady stream of realistic"
                + " orders (and, if asked, customer updates and bad records) to the orders topic.")
public final class DataGeneratorCli implements Callable<Integer> {

    @Option(names = "--bootstrap-server", defaultValue = "localhost:9092", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServer;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "N",
            description = "orders per second, open loop; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--customers", defaultValue = "" + GeneratorOptions.DEFAULT_CUSTOMERS, paramLabel = "N",
            description = "distinct customers (default: ${DEFAULT-VALUE})")
    int customers;

    @Option(names = "--products", defaultValue = "" + GeneratorOptions.DEFAULT_PRODUCTS, paramLabel = "N",
            description = "distinct products (default: ${DEFAULT-VALUE})")
    int products;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "TIME",
            description = "stop after this long, e.g. 90s, 5m, 1h, 500ms, PT2M (default: no limit)")
    Duration duration;

    @Option(names = "--count", paramLabel = "N",
            description = "stop after this many orders, bad ones included (default: no limit)")
    Long count;

    @Option(names = "--seed", paramLabel = "N",
            description = "random seed: the same seed gives the same records (default: random, printed)")
    Long seed;

    @Option(names = "--bad-ratio", defaultValue = "0", paramLabel = "FRACTION",
            description = "fraction of orders replaced by bad records (default: ${DEFAULT-VALUE})")
    double badRatio;

    @Option(names = "--customer-updates", defaultValue = "" + GeneratorOptions.DEFAULT_CUSTOMER_UPDATES,
            paramLabel = "FRACTION",
            description = "fraction of events that are customer updates (renames, moves, a few deletions)"
                    + " (default: ${DEFAULT-VALUE})")
    double customerUpdates;

    @Option(names = "--start-time", converter = InstantConverter.class, paramLabel = "TIME",
            description = "event time of the first order, ISO-8601 (2026-11-24T10:00:00Z) or epoch millis"
                    + " (default: now; with --rate 0 the orders end now if --count is given, else start 24 h ago)")
    Instant startTime;

    @Option(names = "--event-rate", paramLabel = "N",
            description = "orders per second of event time (default: --rate, or 50 when --rate is 0)")
    Double eventRate;

    @Option(names = "--topic-orders", paramLabel = "TOPIC", description = "orders topic (default: ${DEFAULT-VALUE})")
    String ordersTopic = Topics.ORDERS.name();

    @Option(names = "--topic-customers", paramLabel = "TOPIC",
            description = "customers topic (default: ${DEFAULT-VALUE})")
    String customersTopic = Topics.CUSTOMERS.name();

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "a Kafka producer property, repeatable, e.g. security.protocol=SASL_SSL")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(names = "--producer-config", paramLabel = "FILE",
            description = "a properties file of Kafka producer properties (secrets stay off the command line)")
    Path producerConfig;

    @Spec
    CommandSpec spec;

    private volatile boolean stopping;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new DataGeneratorCli());
    }

    @Override
    public Integer call() throws IOException {
        GeneratorOptions options = options();
        Properties props = GeneratorProducer.producerProperties(bootstrapServer, producerOverrides());
        System.out.printf(Locale.ROOT, "data-generator: %d customers to %s, then orders to %s at %s, seed %d%n",
                options.customers(), options.customersTopic(), options.ordersTopic(),
                rate > 0 ? rate + " orders/s" : "full speed", options.seed());
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping = true;
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "data-generator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Producer<String, byte[]> producer = GeneratorProducer.producer(props)) {
            GeneratorProducer.Summary summary =
                    GeneratorProducer.run(producer, new DataGenerator(options), rate, duration, () -> stopping);
            System.out.println("data-generator: " + summary.line());
            return 0;
        } catch (KafkaException e) {
            System.err.println("data-generator: " + e.getMessage());
            return 1;
        } finally {
            done.countDown();
            if (!stopping) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    GeneratorOptions options() {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be 0 or more: " + rate);
        }
        double events = eventRate != null ? eventRate : rate > 0 ? rate : GeneratorOptions.DEFAULT_EVENT_RATE;
        try {
            return new GeneratorOptions(seed != null ? seed : ThreadLocalRandom.current().nextLong(), customers, products,
                    count != null ? count : -1, badRatio, customerUpdates,
                    startTime != null ? startTime : defaultStartTime(Instant.now(), events), events, ordersTopic,
                    customersTopic);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Now when paced (event time = send time). At full speed event time runs ahead of the clock, and
     * brokers reject timestamps more than an hour ahead (log.message.timestamp.after.max.ms): so the
     * orders end now when the count is known, else they start 24 hours ago.
     */
    Instant defaultStartTime(Instant now, double events) {
        if (rate > 0) {
            return now;
        }
        return count != null ? now.minusMillis((long) Math.ceil(count * 1000.0 / events)) : now.minus(Duration.ofDays(1));
    }

    Map<String, String> producerOverrides() throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (producerConfig != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(producerConfig)) {
                file.load(in);
            }
            file.stringPropertyNames().forEach(name -> overrides.put(name, file.getProperty(name)));
        }
        overrides.putAll(producerProperties);
        return overrides;
    }

    /** 90s, 5m, 1h, 500ms, 2d, or ISO-8601 (PT2M); a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("not a duration (try 90s, 5m, 1h): " + value);
            }
        }
    }

    /** ISO-8601 instant or epoch millis. */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return value.trim().matches("-?\\d+") ? Instant.ofEpochMilli(Long.parseLong(value.trim()))
                        : Instant.parse(value.trim());
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not an instant (try 2026-11-24T10:00:00Z): " + value);
            }
        }
    }
}
