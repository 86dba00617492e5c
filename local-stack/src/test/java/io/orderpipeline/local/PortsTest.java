package io.orderpipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aPortSomeoneListensOnIsInUseAndFreeAgainOnceClosed() throws Exception {
        int port;
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = listener.getLocalPort();
            assertThat(Ports.inUse(port)).isTrue();
            assertThat(Ports.firstInUse(List.of(port))).contains(port);
        }
        assertThat(Ports.inUse(port)).isFalse();
        assertThat(Ports.firstInUse(List.of(port))).isEmpty();
    }

    @Test
    void aListenerOnAllAddressesAlsoCounts() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(0));
            assertThat(Ports.inUse(listener.getLocalPort())).isTrue();
        }
    }

    @Test
    void reportsTheFirstBusyPortOfSeveral() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int freePort = free.getLocalPort();
            free.close();
            assertThat(Ports.firstInUse(List.of(freePort, busy.getLocalPort()))).contains(busy.getLocalPort());
        }
    }
}
