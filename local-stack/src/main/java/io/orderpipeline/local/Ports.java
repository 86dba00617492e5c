package io.orderpipeline.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

/** Whether a TCP port can be listened on, checked before anything is started. */
final class Ports {

    private Ports() {
    }

    /**
     * True when something already listens on {@code port} on any local address (binding the
     * wildcard address fails then, whether the other listener is on 127.0.0.1 or on all addresses).
     */
    static boolean inUse(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a port in TIME_WAIT from a previous run is free
            socket.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The first of {@code ports} that is in use. */
    static Optional<Integer> firstInUse(List<Integer> ports) {
        return ports.stream().filter(Ports::inUse).findFirst();
    }
}
