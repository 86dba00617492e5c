package io.orderpipeline.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataGeneratorCliTest {

    private static DataGeneratorCli parse(String... args) {
        CommandLine commandLine = DataGeneratorCli.commandLine();
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    @Test
    void defaults() throws IOException {
        DataGeneratorCli cli = parse();
        GeneratorOptions options = cli.options();

        assertThat(cli.bootstrapServer).isEqualTo("localhost:9092");
        assertThat(cli.rate).isEqualTo(50);
        assertThat(cli.duration).isNull();
        assertThat(options.count()).isNegative();
        assertThat(options.customers()).isEqualTo(1000);
        assertThat(options.products()).isEqualTo(20);
        assertThat(options.badRatio()).isZero();
        assertThat(options.customerUpdates()).isEqualTo(0.01);
        assertThat(options.eventRate()).isEqualTo(50);
        assertThat(options.ordersTopic()).isEqualTo("orders");
        assertThat(options.customersTopic()).isEqualTo("customers");
        assertThat(cli.producerOverrides()).isEmpty();
    }

    @Test
    void optionsReachTheGenerator() {
        GeneratorOptions options = parse("--rate", "200", "--customers", "5000", "--products", "8", "--count", "12345",
                "--seed", "7", "--bad-ratio", "0.05", "--customer-updates", "0.02", "--start-time",
                "2026-11-24T10:00:00Z", "--topic-orders", "o", "--topic-customers", "c").options();

        assertThat(options).isEqualTo(new GeneratorOptions(7, 5000, 8, 12345, 0.05, 0.02,
                Instant.parse("2026-11-24T10:00:00Z"), 200, "o", "c"));
    }

    @Test
    void eventRateFollowsTheRateUnlessSetAndIs50AtFullSpeed() {
        assertThat(parse("--rate", "1000").options().eventRate()).isEqualTo(1000);
        assertThat(parse("--rate", "0").options().eventRate()).isEqualTo(50);
        assertThat(parse("--rate", "0", "--event-rate", "5").options().eventRate()).isEqualTo(5);
        assertThat(parse("--rate", "0.5").options().eventRate()).isEqualTo(0.5);
    }

    @Test
    void durationsInShortOrIsoForm() {
        assertThat(parse("--duration", "60s").duration).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse("--duration", "5m").duration).isEqualTo(Duration.ofMinutes(5));
        assertThat(parse("--duration", "2h").duration).isEqualTo(Duration.ofHours(2));
        assertThat(parse("--duration", "500ms").duration).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("--duration", "90").duration).isEqualTo(Duration.ofSeconds(90));
        assertThat(parse("--duration", "PT1M30S").duration).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> parse("--duration", "soon")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("not a duration");
    }

    @Test
    void atFullSpeedTheDefaultStartTimeKeepsEventTimeBehindTheClock() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");

        assertThat(parse("--rate", "100").defaultStartTime(now, 100)).isEqualTo(now);
        assertThat(parse("--rate", "0", "--count", "36000").defaultStartTime(now, 50))
                .isEqualTo(now.minus(Duration.ofMinutes(12)));
        assertThat(parse("--rate", "0").defaultStartTime(now, 50)).isEqualTo(now.minus(Duration.ofDays(1)));
    }

    @Test
    void startTimeAsEpochMillis() {
        assertThat(parse("--start-time", "1795514400000").options().startTime())
                .isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    }

    @Test
    void badValuesAreRejectedWithAMessage() {
        assertThatThrownBy(() -> parse("--count", "many")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse("--bad-ratio", "1.5").options()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("badRatio");
        assertThatThrownBy(() -> parse("--rate", "-1").options()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--rate");
        assertThatThrownBy(() -> parse("--customers", "0").options()).isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void aBadOptionExitsWithUsageErrorBeforeConnecting() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = DataGeneratorCli.commandLine().setErr(new PrintWriter(err));

        assertThat(commandLine.execute("--rate", "-5")).isEqualTo(2);
        assertThat(err.toString()).contains("--rate must be 0 or more");
    }

    @Test
    void producerPropertiesFromTheCommandLineWinOverTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
        DataGeneratorCli cli = parse("--producer-config", file.toString(), "--producer-property",
                "sasl.mechanism=SCRAM-SHA-512", "--producer-property",
                "sasl.jaas.config=ScramLoginModule required username=\"u\" password=\"p=1\";");

        assertThat(cli.producerOverrides()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"p=1\";");
        assertThat(GeneratorProducer.producerProperties("broker:9093", cli.producerOverrides()))
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }
}
