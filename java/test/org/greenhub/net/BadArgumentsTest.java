package org.greenhub.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.greenhub.Green;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every recv and send variant given each kind of bad argument (a read-only buffer, heap
 * or direct; offsets out of range; null) is rejected before any system call, the same
 * way on every hub: nothing waiting on the socket is consumed and nothing is sent.
 */
@Timeout(60)
class BadArgumentsTest {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void badReadsConsumeNothing() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL);
                 GreenSocket s = Green.connect(server.localAddress());
                 GreenSocket peer = server.accept()) {
                peer.sendAll(bytes("hello"));
                assertEquals(Set.of(s), Select.select(Set.of(s), Set.of(), Duration.ofSeconds(10)).readers(), "data is waiting");
                byte[] b = new byte[10];
                InputStream in = s.inputStream();
                assertThrows(IllegalArgumentException.class, () -> s.recv(ByteBuffer.allocate(16).asReadOnlyBuffer()));
                assertThrows(IllegalArgumentException.class, () -> s.recv(ByteBuffer.allocateDirect(16).asReadOnlyBuffer()));
                assertThrows(IllegalArgumentException.class, () -> s.recv(ByteBuffer.allocate(0).asReadOnlyBuffer()));
                assertThrows(NullPointerException.class, () -> s.recv((ByteBuffer) null));
                assertThrows(NullPointerException.class, () -> s.recv(null, 0, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> s.recv(b, -1, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> s.recv(b, 0, 11));
                assertThrows(IndexOutOfBoundsException.class, () -> s.recv(b, 5, -1));
                assertThrows(IndexOutOfBoundsException.class, () -> s.recv(b, Integer.MAX_VALUE, 2));
                assertThrows(IllegalArgumentException.class, () -> s.recv(-1));
                assertThrows(IndexOutOfBoundsException.class, () -> in.read(b, -1, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> in.read(b, 3, 8));
                assertThrows(NullPointerException.class, () -> in.read(null, 0, 1));
                s.setTimeout(Duration.ofSeconds(10));
                assertArrayEquals(bytes("hello"), s.recv(16), "every byte is still there");
                assertTrue(s.isOpen());
            }
        });
    }

    @Test
    void badWritesSendNothing() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL);
                 GreenSocket s = Green.connect(server.localAddress());
                 GreenSocket peer = server.accept()) {
                byte[] b = bytes("0123456789");
                OutputStream out = s.outputStream();
                assertThrows(NullPointerException.class, () -> s.send(null));
                assertThrows(NullPointerException.class, () -> s.sendAll((ByteBuffer) null));
                assertThrows(NullPointerException.class, () -> s.sendAll((byte[]) null));
                assertThrows(IndexOutOfBoundsException.class, () -> out.write(b, -1, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> out.write(b, 0, 11));
                assertThrows(IndexOutOfBoundsException.class, () -> out.write(b, 5, -1));
                assertThrows(NullPointerException.class, () -> out.write(null, 0, 1));
                s.sendAll(bytes("ok"));
                s.shutdownOutput();
                peer.setTimeout(Duration.ofSeconds(10));
                assertArrayEquals(bytes("ok"), peer.inputStream().readAllBytes(), "only the good write arrived");
            }
        });
    }

    @Test
    void badDatagramCallsConsumeAndSendNothing() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(LOCAL)) {
                InetSocketAddress toA = a.localAddress();
                b.send(ByteBuffer.wrap(bytes("first")), toA);
                assertEquals(Set.of(a), Select.select(Set.of(a), Set.of(), Duration.ofSeconds(10)).readers(), "a datagram is waiting");
                assertThrows(IllegalArgumentException.class, () -> a.receive(ByteBuffer.allocate(16).asReadOnlyBuffer()));
                assertThrows(IllegalArgumentException.class, () -> a.receive(ByteBuffer.allocateDirect(16).asReadOnlyBuffer()));
                assertThrows(NullPointerException.class, () -> a.receive(null));
                a.setTimeout(Duration.ofSeconds(10));
                ByteBuffer got = ByteBuffer.allocate(16);
                a.receive(got);
                assertEquals("first", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));

                assertThrows(NullPointerException.class, () -> b.send(null, toA));
                assertThrows(NullPointerException.class, () -> b.send(ByteBuffer.wrap(bytes("x")), null));
                assertThrows(IllegalArgumentException.class, () -> b.send(ByteBuffer.wrap(bytes("x")), new java.net.SocketAddress() { }));
                a.setTimeout(Duration.ofMillis(50));
                assertThrows(SocketTimeoutException.class, () -> a.receive(ByteBuffer.allocate(16)), "no bad send arrived");
                b.send(ByteBuffer.wrap(bytes("second")), toA);
                a.setTimeout(Duration.ofSeconds(10));
                got.clear();
                a.receive(got);
                assertEquals("second", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));
            }
        });
    }
}
