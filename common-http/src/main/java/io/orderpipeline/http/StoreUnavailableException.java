package io.orderpipeline.http;

/**
 * A store (or the instance that holds it) cannot answer right now: a rebalance, a restore, an
 * instance that is gone. The client gets 503 with {@code Retry-After} and should simply retry.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }
}
