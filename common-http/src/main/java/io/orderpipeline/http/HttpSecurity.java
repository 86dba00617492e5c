package io.orderpipeline.http;

import static io.orderpipeline.common.EnvVariable.HTTP_AUTH_PASSWORD;
import static io.orderpipeline.common.EnvVariable.HTTP_AUTH_TOKEN;
import static io.orderpipeline.common.EnvVariable.HTTP_AUTH_USER;
import static io.orderpipeline.common.EnvVariable.HTTP_BIND_ADDRESS;
import static io.orderpipeline.common.EnvVariable.HTTP_TLS_KEYSTORE;
import static io.orderpipeline.common.EnvVariable.HTTP_TLS_KEYSTORE_PASSWORD;
import static io.orderpipeline.common.EnvVariable.HTTP_TLS_TRUSTSTORE;
import static io.orderpipeline.common.EnvVariable.HTTP_TLS_TRUSTSTORE_PASSWORD;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * How a service's HTTP is exposed on a network, from the environment: the address it listens on,
 * optional TLS (a PKCS12 keystore) and optional authentication (a bearer token, or basic
 * credentials), which every instance shares: it forwards to the others over the same TLS with the
 * same credentials ({@link Forwarder}). {@code /health/live} and {@code /health/ready} stay open
 * (probes); everything else, {@code /metrics} included, needs the credentials when they are set.
 */
public final class HttpSecurity {

    /** Plain HTTP on every interface, no authentication: the default. */
    public static final HttpSecurity NONE = new HttpSecurity("0.0.0.0", null, null, null, null);

    private final String bindAddress;
    private final Path keystore;
    private final String keystorePassword;
    private final SSLContext clientTls;
    /** The whole {@code Authorization} header a request must carry, or null when there is no authentication. */
    private final String authorization;

    private HttpSecurity(String bindAddress, Path keystore, String keystorePassword, SSLContext clientTls, String authorization) {
        this.bindAddress = bindAddress;
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.clientTls = clientTls;
        this.authorization = authorization;
    }

    /**
     * The settings of {@code config}: {@code HTTP_BIND_ADDRESS} (default every interface);
     * {@code HTTP_TLS_KEYSTORE} and {@code HTTP_TLS_KEYSTORE_PASSWORD} turn on TLS, and the instances
     * trust the certificates of {@code HTTP_TLS_TRUSTSTORE} (default: the keystore's own, for
     * instances sharing one certificate); {@code HTTP_AUTH_TOKEN} (bearer) or {@code HTTP_AUTH_USER} and
     * {@code HTTP_AUTH_PASSWORD} (basic) turn on authentication. Anything half set stops the service at start.
     */
    public static HttpSecurity from(ServiceConfig config) {
        String bind = config.get(HTTP_BIND_ADDRESS, NONE.bindAddress);
        String keystoreValue = config.get(HTTP_TLS_KEYSTORE, null);
        Path keystore = null;
        String password = null;
        SSLContext client = null;
        if (keystoreValue != null) {
            keystore = Path.of(keystoreValue);
            password = required(config, HTTP_TLS_KEYSTORE_PASSWORD, HTTP_TLS_KEYSTORE);
            Path truststore = Path.of(config.get(HTTP_TLS_TRUSTSTORE, keystoreValue));
            String truststorePassword = config.get(HTTP_TLS_TRUSTSTORE_PASSWORD, truststore.equals(keystore) ? password : null);
            if (truststorePassword == null) {
                throw new IllegalArgumentException(HTTP_TLS_TRUSTSTORE_PASSWORD + " must be set with " + HTTP_TLS_TRUSTSTORE);
            }
            load(keystore, password, HTTP_TLS_KEYSTORE);
            client = clientContext(load(truststore, truststorePassword, HTTP_TLS_TRUSTSTORE));
        } else if (config.get(HTTP_TLS_TRUSTSTORE, null) != null) {
            throw new IllegalArgumentException(HTTP_TLS_TRUSTSTORE + " is set but " + HTTP_TLS_KEYSTORE + " is not: TLS needs a keystore");
        }
        String token = config.get(HTTP_AUTH_TOKEN, null);
        String user = config.get(HTTP_AUTH_USER, null);
        String authorization = null;
        if (token != null && user != null) {
            throw new IllegalArgumentException("set either " + HTTP_AUTH_TOKEN + " or " + HTTP_AUTH_USER + " and " + HTTP_AUTH_PASSWORD + ", not both");
        } else if (token != null) {
            authorization = "Bearer " + token;
        } else if (user != null) {
            String userPassword = required(config, HTTP_AUTH_PASSWORD, HTTP_AUTH_USER);
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + userPassword).getBytes(StandardCharsets.UTF_8));
        } else if (config.get(HTTP_AUTH_PASSWORD, null) != null) {
            throw new IllegalArgumentException(HTTP_AUTH_PASSWORD + " is set but " + HTTP_AUTH_USER + " is not");
        }
        return new HttpSecurity(bind, keystore, password, client, authorization);
    }

    public String bindAddress() {
        return bindAddress;
    }

    public boolean tls() {
        return keystore != null;
    }

    /** {@code https} with TLS, else {@code http}. */
    public String scheme() {
        return tls() ? "https" : "http";
    }

    /** An HTTP client builder that reaches the other instances: trusting their certificates with TLS. */
    public HttpClient.Builder client() {
        HttpClient.Builder builder = HttpClient.newBuilder();
        return clientTls == null ? builder : builder.sslContext(clientTls);
    }

    /** The {@code Authorization} header to send to the other instances, if they need one. */
    public Optional<String> authorization() {
        return Optional.ofNullable(authorization);
    }

    /** A Jetty connector on {@code port}: TLS when set, else plain HTTP. */
    ServerConnector connector(Server server, HttpConfiguration http, int port) {
        ServerConnector connector;
        if (tls()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(keystore.toString());
            ssl.setKeyStorePassword(keystorePassword);
            // instances are reached by whatever name APPLICATION_SERVER gives: no SNI host check
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(bindAddress);
        connector.setPort(port);
        return connector;
    }

    /**
     * Lets a request through when no authentication is set, when it asks for a health endpoint, or
     * when its {@code Authorization} header is the configured one (compared in constant time);
     * else 401 with {@code WWW-Authenticate}.
     */
    void authenticate(Context ctx) {
        if (authorization == null || ctx.path().startsWith("/health/")) {
            return;
        }
        String given = ctx.header("Authorization");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), authorization.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", authorization.startsWith("Bearer") ? "Bearer" : "Basic realm=\"order-pipeline\"");
            throw new UnauthorizedResponse(given == null ? "credentials required" : "wrong credentials", Map.of());
        }
    }

    private static String required(ServiceConfig config, EnvVariable name, EnvVariable with) {
        String value = config.get(name, null);
        if (value == null) {
            throw new IllegalArgumentException(name + " must be set with " + with);
        }
        return value;
    }

    private static KeyStore load(Path file, String password, EnvVariable setting) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(setting + ": cannot read " + file);
        }
        try {
            return KeyStore.getInstance(file.toFile(), password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": cannot open " + file + " as a keystore (" + e.getMessage() + ")", e);
        }
    }

    private static SSLContext clientContext(KeyStore trusted) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new UncheckedIOException(new IOException("cannot set up TLS for the HTTP client", e));
        }
    }
}
