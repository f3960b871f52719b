package org.greenhub.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.greenhub.Green;
import org.greenhub.hub.Interest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The same fault gives the same exception on every hub (the suite runs once per hub). */
@Timeout(60)
class SocketFaultsTest {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void aPeerResetIsASocketExceptionSayingSo() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL);
                 GreenSocket s = Green.connect(server.localAddress());
                 GreenSocket peer = server.accept()) {
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                peer.close(); // with linger 0: a reset
                s.setTimeout(Duration.ofSeconds(10));
                SocketException e = assertThrows(SocketException.class, () -> s.recv(16));
                assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
            }
        });
    }

    @Test
    void theAddressesOfAClosedSocketAreASocketException() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL)) {
                GreenSocket s = Green.connect(server.localAddress());
                s.close();
                assertEquals("Socket closed", assertThrows(SocketException.class, s::remoteAddress).getMessage());
                assertEquals("Socket closed", assertThrows(SocketException.class, s::localAddress).getMessage());
                server.accept().close();
            }
        });
    }

    @Test
    void waitingOnAClosedChannelIsAClosedChannelException() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL)) {
                GreenSocket s = Green.connect(server.localAddress());
                s.close();
                UncheckedIOException e = assertThrows(UncheckedIOException.class,
                        () -> Green.hub().trampoline(s, Interest.READ, Duration.ofSeconds(10)));
                assertInstanceOf(ClosedChannelException.class, e.getCause());
                server.accept().close();
            }
        });
    }
}
