package io.orderpipeline.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.EnvVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    @TempDir
    Path dir;

    @Test
    void healthIsWhatTheServicesReadinessEndpointAnswers() throws Exception {
        com.sun.net.httpserver.HttpServer ready = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(200);
        ready.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        ready.start();
        int port = ready.getAddress().getPort();
        try {
            assertThat(ServiceProcess.readiness(port)).isEqualTo("ready");
            status.set(503);
            assertThat(ServiceProcess.readiness(port)).isEqualTo("not ready");
            status.set(500);
            assertThat(ServiceProcess.readiness(port)).isEqualTo("HTTP 500");
            ready.stop(0);
            assertThat(ServiceProcess.readiness(port)).isEqualTo("no answer");
        } finally {
            ready.stop(0);
        }
    }

    @Test
    void aChildGetsTheContractsVariablesFromItsCallerOnlyButLogLevelToo() {
        for (EnvVariable variable : EnvVariable.values()) {
            assertThat(ServiceProcess.callerOnly(variable.name())).as(variable.name()).isEqualTo(variable != EnvVariable.LOG_LEVEL);
        }
        assertThat(ServiceProcess.callerOnly("KAFKA_LINGER_MS")).isTrue();
        assertThat(ServiceProcess.callerOnly("PATH")).isFalse();
        assertThat(ServiceProcess.callerOnly("JAVA_HOME")).isFalse();
    }

    /** A JVM that prints its argument and a RUNNING line, then waits for SIGTERM. */
    public static final class Child {
        public static void main(String[] args) throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("closed")));
            System.out.println("hello " + args[0] + " " + System.getenv("GREETING"));
            System.out.println("inherited HTTP_PORT=" + System.getenv("HTTP_PORT") + " KAFKA_LINGER_MS=" + System.getenv("KAFKA_LINGER_MS")
                    + " LOG_LEVEL=" + System.getenv("LOG_LEVEL"));
            System.out.println("state REBALANCING -> RUNNING");
            Thread.sleep(60_000);
        }
    }

    @Test
    void startsWaitsForRunningStopsAndStartsAgainOneLogWithEveryRun() throws Exception {
        Path classes = Path.of(Child.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path log = dir.resolve("logs/child.log");
        try (ServiceProcess child = ServiceProcess.ofMain("child", classes, Child.class.getName(), List.of("-Xmx32m"), List.of("world"),
                Map.of("GREETING", "hi"), log)) {
            child.start();
            ServiceProcess.Line running = child.awaitRunning(Duration.ofSeconds(30));
            assertThat(running.nanos()).isGreaterThan(child.startNanos());
            assertThat(child.output()).contains("hello world hi");
            // this JVM has them from kafka-broker's pom (Surefire's environmentVariables)
            assertThat(System.getenv()).containsEntry("HTTP_PORT", "1").containsEntry("KAFKA_LINGER_MS", "7").containsEntry("LOG_LEVEL", "DEBUG");
            assertThat(child.output()).contains("inherited HTTP_PORT=null KAFKA_LINGER_MS=null LOG_LEVEL=DEBUG");
            assertThat(child.stop(Duration.ofSeconds(30))).isEqualTo(ServiceProcess.SIGTERM_EXIT);
            child.awaitLog(Duration.ofSeconds(5), "closed");

            long mark = child.logPosition();
            child.start().awaitRunning(Duration.ofSeconds(30));
            assertThat(child.logSince(mark)).contains("hello world").doesNotContain("closed");
            child.kill();
            assertThat(child.exitCode()).hasValue(ServiceProcess.SIGKILL_EXIT);
            assertThatThrownBy(() -> child.awaitLog(Duration.ofSeconds(5), "never")).hasMessageContaining("exited (exit code 137)");
        }
        assertThat(Files.readString(log)).contains("run 1 of child", "run 2 of child").containsOnlyOnce("closed");
    }
}
