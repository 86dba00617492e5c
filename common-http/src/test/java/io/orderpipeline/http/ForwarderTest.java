package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {

    final Forwarder forwarder = new Forwarder(new HostInfo("me", 1234), HttpSecurity.NONE, Duration.ofSeconds(1), Duration.ofSeconds(2));
    Javalin other;

    @BeforeEach
    void startOtherInstance() {
        other = Javalin.create(config -> config.showJavalinBanner = false);
        other.get("/stats/{product}", ctx -> ctx.status(503)
                .header("Retry-After", "1")
                .header("X-Served-By", "other:1")
                .header("X-Not-Passed", "x")
                .contentType("application/json")
                .result("{\"product\":\"" + ctx.pathParam("product") + "\",\"by\":\"" + ctx.header(Forwarder.FORWARDED_BY) + "\"}"));
        other.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopOtherInstance() {
        other.stop();
    }

    @Test
    void theOtherInstancesAnswerComesBackAsItWas() {
        Reply reply = forwarder.get(new HostInfo("127.0.0.1", other.port()), "/stats/a%2Fb%20c?at=0");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json()).isEqualTo("{\"product\":\"a/b c\",\"by\":\"me:1234\"}");
        assertThat(reply.headers()).containsEntry("Retry-After", "1").containsEntry("X-Served-By", "other:1")
                .doesNotContainKey("X-Not-Passed");
    }

    @Test
    void anInstanceThatDoesNotAnswerIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> forwarder.get(new HostInfo("127.0.0.1", closedPort), "/stats/x"))
                .isInstanceOf(Forwarder.InstanceUnreachableException.class)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort + " did not answer");
    }
}
