package io.orderpipeline.http;

import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the same service over HTTP (HTTPS and credentials as the service's
 * {@link HttpSecurity} says), marking the request with
 * {@value #FORWARDED_BY} so that the other instance answers from its own stores and never
 * forwards again. Its answer comes back as it was: status, body and the headers in
 * {@link #PASSED_HEADERS}.
 */
public final class Forwarder {

    public static final String FORWARDED_BY = "X-Forwarded-By";
    static final List<String> PASSED_HEADERS =
            List.of(HttpServer.RETRY_AFTER, KeyRouter.SERVED_BY, KeyRouter.SERVED_BY_STANDBY);

    private final HostInfo self;
    private final HttpSecurity security;
    private final HttpClient client;
    private final Duration timeout;

    public Forwarder(HostInfo self, HttpSecurity security, Duration connectTimeout, Duration timeout) {
        this.self = self;
        this.security = security;
        this.client = security.client().connectTimeout(connectTimeout).build();
        this.timeout = timeout;
    }

    /**
     * The forwarder of a service: from {@code APPLICATION_SERVER}, to the other instances over the
     * service's TLS with its credentials ({@link HttpSecurity}), short timeouts.
     */
    public static Forwarder of(ServiceConfig config) {
        return new Forwarder(HostInfo.buildFromEndpoint(config.applicationServer()), HttpSecurity.from(config),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    public HostInfo self() {
        return self;
    }

    /**
     * GET {@code pathAndQuery} (already URL-encoded) from {@code host}.
     *
     * @throws InstanceUnreachableException when the host does not answer (refused, timed out)
     */
    public Reply get(HostInfo host, String pathAndQuery) {
        URI uri = URI.create(security.scheme() + "://" + host.host() + ":" + host.port() + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header(FORWARDED_BY, self.host() + ":" + self.port())
                .header("Accept", "application/json")
                .GET();
        security.authorization().ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : PASSED_HEADERS) {
                response.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
            }
            return new Reply(response.statusCode(), response.body(), headers);
        } catch (IOException e) {
            throw new InstanceUnreachableException(host, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstanceUnreachableException(host, e);
        }
    }

    /** The other instance did not answer at all. */
    public static final class InstanceUnreachableException extends StoreUnavailableException {

        InstanceUnreachableException(HostInfo host, Exception cause) {
            super("instance " + host.host() + ":" + host.port() + " did not answer ("
                    + cause.getClass().getSimpleName() + ")");
            initCause(cause);
        }
    }
}
