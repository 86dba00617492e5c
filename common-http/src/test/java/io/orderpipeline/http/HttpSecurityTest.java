package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Json;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API on a network: TLS with a certificate made for the test (the JDK's keytool), a
 * bearer token or basic credentials, health left open, and forwarding to another instance over
 * the same TLS with the same credentials.
 */
class HttpSecurityTest {

    private static final String PASSWORD = "test-store-password";
    private static final String TOKEN = "s3cret-token";

    @TempDir
    static Path dir;
    static KafkaStreams streams;
    static Path keystore;
    static HttpSecurity security;
    static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        keystore = dir.resolve("http.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "http", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        security = HttpSecurity.from(config(Map.of(EnvVariable.HTTP_TLS_KEYSTORE.name(), keystore.toString(),
                EnvVariable.HTTP_TLS_KEYSTORE_PASSWORD.name(), PASSWORD, EnvVariable.HTTP_AUTH_TOKEN.name(), TOKEN,
                EnvVariable.HTTP_BIND_ADDRESS.name(), "127.0.0.1")));
        streams = TestStreams.unstarted(dir.resolve("state"));
        server = HttpServer.start(0, 0, security, streams, () -> { },
                app -> app.get("/stats/{product}", ctx -> ctx.json(Map.of("product", Params.text(ctx, "product")))));
    }

    @AfterAll
    static void stop() {
        server.close();
        streams.close();
    }

    private static ServiceConfig config(Map<String, String> env) {
        return ServiceConfig.of("http-security-test", true, env);
    }

    private static HttpResponse<String> get(HttpClient client, String scheme, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void queriesNeedTheTokenOverTls() throws Exception {
        HttpClient client = security.client().build();
        HttpResponse<String> ok = get(client, "https", "/stats/keyboard", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"product\":\"keyboard\"}");

        for (String wrong : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Basic " + TOKEN, ""}) {
            HttpResponse<String> denied = get(client, "https", "/stats/keyboard", wrong);
            assertThat(denied.statusCode()).as(String.valueOf(wrong)).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(Json.MAPPER.readTree(denied.body()).get("error").asText()).as(wrong)
                    .isIn("credentials required", "wrong credentials");
        }
        assertThat(get(client, "https", "/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get(client, "https", "/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(client, "https", "/no/such/route", null).statusCode()).as("no route listing without credentials").isEqualTo(401);
    }

    @Test
    void healthStaysOpenForProbes() throws Exception {
        HttpClient client = security.client().build();
        assertThat(get(client, "https", "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get(client, "https", "/health/ready", null).statusCode()).isEqualTo(503); // the streams app is not running
    }

    @Test
    void plainHttpToTheTlsPortFails() {
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> get(plain, "http", "/health/live", null)).isInstanceOf(IOException.class);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient untrusting = HttpClient.newHttpClient();
        assertThatThrownBy(() -> get(untrusting, "https", "/health/live", null)).isInstanceOf(IOException.class);
    }

    @Test
    void forwardingToTheKeysOwnerGoesOverTheSameTlsWithTheSameCredentials() {
        Forwarder forwarder = new Forwarder(new HostInfo("localhost", 1), security, Duration.ofSeconds(5), Duration.ofSeconds(10));
        Reply reply = forwarder.get(new HostInfo("localhost", server.port()), "/stats/a%2Fb");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo("{\"product\":\"a/b\"}");

        Forwarder withoutCredentials = new Forwarder(new HostInfo("localhost", 1), HttpSecurity.from(config(Map.of(
                EnvVariable.HTTP_TLS_KEYSTORE.name(), keystore.toString(), EnvVariable.HTTP_TLS_KEYSTORE_PASSWORD.name(), PASSWORD))),
                Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(withoutCredentials.get(new HostInfo("localhost", server.port()), "/stats/a").status()).isEqualTo(401);
    }

    @Test
    void basicCredentialsAreTheAlternative() throws Exception {
        HttpSecurity basic = HttpSecurity.from(config(Map.of(EnvVariable.HTTP_AUTH_USER.name(), "ops", EnvVariable.HTTP_AUTH_PASSWORD.name(), "pa:ss")));
        assertThat(basic.tls()).isFalse();
        assertThat(basic.bindAddress()).isEqualTo("0.0.0.0");
        try (HttpServer plain = HttpServer.start(0, 0, basic, streams, () -> { }, app -> app.get("/q", ctx -> ctx.json(Map.of("q", 1))))) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + plain.port();
            HttpResponse<String> denied = client.send(HttpRequest.newBuilder(URI.create(base + "/q")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"order-pipeline\"");
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "/q"))
                    .header("Authorization", basic.authorization().orElseThrow()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(basic.authorization()).hasValue("Basic b3BzOnBhOnNz"); // ops:pa:ss
        }
    }

    @Test
    void halfSetSettingsStopTheServiceWithTheNameOfWhatIsMissing() {
        Map<String, String> keystoreOnly = Map.of(EnvVariable.HTTP_TLS_KEYSTORE.name(), keystore.toString());
        assertThatThrownBy(() -> HttpSecurity.from(config(keystoreOnly))).hasMessageContaining(EnvVariable.HTTP_TLS_KEYSTORE_PASSWORD.name());
        assertThatThrownBy(() -> HttpSecurity.from(config(Map.of(EnvVariable.HTTP_TLS_KEYSTORE.name(), keystore.toString(),
                EnvVariable.HTTP_TLS_KEYSTORE_PASSWORD.name(), "wrong")))).hasMessageContaining("cannot open");
        assertThatThrownBy(() -> HttpSecurity.from(config(Map.of(EnvVariable.HTTP_TLS_KEYSTORE.name(), dir.resolve("none.p12").toString(),
                EnvVariable.HTTP_TLS_KEYSTORE_PASSWORD.name(), PASSWORD)))).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> HttpSecurity.from(config(Map.of(EnvVariable.HTTP_TLS_TRUSTSTORE.name(), keystore.toString()))))
                .hasMessageContaining(EnvVariable.HTTP_TLS_KEYSTORE.name());
        assertThatThrownBy(() -> HttpSecurity.from(config(Map.of(EnvVariable.HTTP_AUTH_TOKEN.name(), "t", EnvVariable.HTTP_AUTH_USER.name(), "u"))))
                .hasMessageContaining("either");
        assertThatThrownBy(() -> HttpSecurity.from(config(Map.of(EnvVariable.HTTP_AUTH_USER.name(), "u")))).hasMessageContaining(EnvVariable.HTTP_AUTH_PASSWORD.name());
        assertThatThrownBy(() -> HttpSecurity.from(config(Map.of(EnvVariable.HTTP_AUTH_PASSWORD.name(), "p")))).hasMessageContaining(EnvVariable.HTTP_AUTH_USER.name());
        assertThat(HttpSecurity.from(config(new HashMap<>())).authorization()).isEmpty();
    }
}
