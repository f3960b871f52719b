package org.greenhub.internal.nativeio;

import static org.greenhub.internal.nativeio.NativeTesting.LOOPBACK4;
import static org.greenhub.internal.nativeio.NativeTesting.LOOPBACK6;
import static org.greenhub.internal.nativeio.NativeTesting.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The socket calls of the binding: results for "would block" and end of stream, java.net exceptions for errors. */
class SocketsTest {
    @BeforeEach
    void library() {
        NativeTesting.requireLibrary();
    }

    @Test
    void tcpEchoOverLoopback() throws IOException {
        int[] l = NativeTesting.listen(false);
        int c = NativeTesting.connect(false, l[1]);
        byte[] peer = new byte[16];
        int[] pp = new int[2];
        assertTrue(Sockets.await(l[0], Readiness.READ, 5000) > 0);
        int s = Sockets.accept(l[0], peer, pp);
        try {
            assertTrue(s >= 0);
            InetSocketAddress accepted = Sockets.address(peer, pp);
            assertArrayEquals(LOOPBACK4, accepted.getAddress().getAddress());
            assertEquals(accepted.getPort(), Sockets.localAddress(c, new byte[16], new int[2]).getPort(),
                    "accepted peer port = client's local port");
            assertEquals(l[1], Sockets.remoteAddress(c, new byte[16], new int[2]).getPort());

            // Nothing to read yet: "would block", not a block.
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            assertEquals(0, Sockets.read(s, Sockets.address(b), 64));
            assertEquals(0, Sockets.await(s, Readiness.READ, 50), "idle socket is not readable");
            assertEquals(Readiness.WRITE, Sockets.readinessNow(s, Readiness.WRITE));

            byte[] msg = "hello, hub".getBytes(StandardCharsets.US_ASCII);
            NativeTesting.writeAll(c, msg);
            assertEquals(Readiness.READ, Sockets.await(s, Readiness.READ, 5000));
            assertArrayEquals(msg, NativeTesting.readExactly(s, msg.length));

            // Shutdown of the client's output: the server reads end of stream.
            Sockets.shutdownOutput(c);
            assertTrue((Sockets.await(s, Readiness.READ, 5000) & Readiness.READ) != 0);
            assertEquals(-1, Sockets.read(s, Sockets.address(b), 64));
            // The other direction still works.
            NativeTesting.writeAll(s, msg);
            assertArrayEquals(msg, NativeTesting.readExactly(c, msg.length));
        } finally {
            Sockets.close(c);
            Sockets.close(s);
            Sockets.close(l[0]);
        }
    }

    @Test
    void closeIsSeenByThePeer() throws IOException {
        int[] p = NativeTesting.pair();
        Sockets.close(p[0]);
        try {
            int bits = Sockets.await(p[1], Readiness.READ, 5000);
            assertTrue((bits & Readiness.READ) != 0);
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            assertEquals(-1, Sockets.read(p[1], Sockets.address(b), 8));
            // Reading a closed descriptor: EBADF, a SocketException; and it reports ERROR readiness.
            assertThrows(SocketException.class, () -> Sockets.read(p[0], Sockets.address(b), 8));
            assertEquals(Readiness.ERROR, Sockets.readinessNow(p[0], Readiness.READ));
            assertThrows(SocketException.class, () -> Sockets.remoteAddress(p[0], new byte[16], new int[2]));
        } finally {
            Sockets.close(p[1]);
        }
    }

    @Test
    void refusedConnectionIsAConnectException() throws IOException {
        int[] l = NativeTesting.listen(false);
        int port = l[1];
        Sockets.close(l[0]); // nobody listens there now
        int fd = Sockets.open(false, false);
        try {
            InetSocketAddress to = loopback(false, port);
            ConnectException e = assertThrows(ConnectException.class, () -> {
                if (!Sockets.connect(fd, to)) {
                    assertTrue(Sockets.await(fd, Readiness.WRITE, 5000) > 0);
                    Sockets.finishConnect(fd, to);
                }
            });
            assertEquals("Connection refused: " + to, e.getMessage());
        } finally {
            Sockets.close(fd);
        }
    }

    @Test
    void bindingABusyPortIsABindException() throws IOException {
        int[] l = NativeTesting.listen(false);
        int fd = Sockets.open(false, false);
        try {
            assertThrows(BindException.class, () -> Sockets.bind(fd, loopback(false, l[1])));
        } finally {
            Sockets.close(fd);
            Sockets.close(l[0]);
        }
    }

    @Test
    void udpSendToAndReceiveFrom() throws IOException {
        int a = Sockets.open(false, true);
        int b = Sockets.open(false, true);
        try {
            Sockets.bind(a, loopback(false, 0));
            Sockets.bind(b, loopback(false, 0));
            InetSocketAddress atA = Sockets.localAddress(a, new byte[16], new int[2]);
            InetSocketAddress atB = Sockets.localAddress(b, new byte[16], new int[2]);
            ByteBuffer out = ByteBuffer.allocateDirect(5).put("ping!".getBytes(StandardCharsets.US_ASCII));
            assertEquals(5, Sockets.send(a, Sockets.address(out), 5, atB));
            assertTrue(Sockets.await(b, Readiness.READ, 5000) > 0);
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            byte[] from = new byte[16];
            int[] fp = new int[2];
            assertEquals(5, Sockets.receive(b, Sockets.address(in), 64, from, fp));
            assertEquals("ping!", ascii(in, 5));
            assertEquals(atA, Sockets.address(from, fp));
            assertEquals(-1, Sockets.receive(b, Sockets.address(in), 64, from, fp), "nothing queued: would block");
        } finally {
            Sockets.close(a);
            Sockets.close(b);
        }
    }

    @Test
    void socketOptionsRoundTrip() throws IOException {
        int fd = Sockets.open(false, false);
        try {
            for (int opt : new int[] {Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT, Sockets.TCP_NODELAY,
                Sockets.SO_KEEPALIVE}) {
                Sockets.setOption(fd, opt, 1, "set " + opt);
                assertNotEquals(0, Sockets.getOption(fd, opt, "get " + opt), "option " + opt);
                Sockets.setOption(fd, opt, 0, "set " + opt);
                assertEquals(0, Sockets.getOption(fd, opt, "get " + opt), "option " + opt);
            }
            Sockets.setOption(fd, Sockets.SO_RCVBUF, 65536, "SO_RCVBUF");
            int rcv = Sockets.getOption(fd, Sockets.SO_RCVBUF, "SO_RCVBUF");
            assertTrue(rcv >= 65536, "SO_RCVBUF " + rcv); // Linux doubles it
            Sockets.setOption(fd, Sockets.SO_SNDBUF, 65536, "SO_SNDBUF");
            int snd = Sockets.getOption(fd, Sockets.SO_SNDBUF, "SO_SNDBUF");
            assertTrue(snd >= 65536, "SO_SNDBUF " + snd);
            assertEquals(-1, Sockets.getOption(fd, Sockets.SO_LINGER, "SO_LINGER"));
            Sockets.setOption(fd, Sockets.SO_LINGER, 7, "SO_LINGER");
            assertEquals(7, Sockets.getOption(fd, Sockets.SO_LINGER, "SO_LINGER"));
            Sockets.setOption(fd, Sockets.SO_LINGER, -1, "SO_LINGER");
            assertEquals(-1, Sockets.getOption(fd, Sockets.SO_LINGER, "SO_LINGER"));
            assertThrows(IOException.class, () -> Sockets.setOption(fd, 999, 1, "unknown option"));
        } finally {
            Sockets.close(fd);
        }
    }

    @Test
    void ipv6LoopbackIfAvailable() throws IOException {
        String reason = null;
        try {
            int probe = Sockets.open(true, false);
            try {
                Sockets.bind(probe, loopback(true, 0));
            } catch (IOException e) {
                reason = "cannot bind ::1: " + e.getMessage();
            } finally {
                Sockets.close(probe);
            }
        } catch (IOException e) {
            reason = "no IPv6 sockets: " + e.getMessage();
        }
        if (reason != null) {
            System.out.println("skipping IPv6 test: " + reason);
            Assumptions.abort(reason);
        }
        int[] l = NativeTesting.listen(true);
        int c = NativeTesting.connect(true, l[1]);
        byte[] peer = new byte[16];
        int[] pp = new int[2];
        assertTrue(Sockets.await(l[0], Readiness.READ, 5000) > 0);
        int s = Sockets.accept(l[0], peer, pp);
        try {
            assertEquals(16, pp[1]);
            assertArrayEquals(LOOPBACK6, peer);
            byte[] msg = {1, 2, 3, 4, 5, 6};
            NativeTesting.writeAll(s, msg);
            assertArrayEquals(msg, NativeTesting.readExactly(c, msg.length));
        } finally {
            Sockets.close(c);
            Sockets.close(s);
            Sockets.close(l[0]);
        }
    }

    @Test
    void plainThreadAwaitTimesOut() throws IOException {
        int[] p = NativeTesting.pair();
        try {
            long t0 = System.nanoTime();
            assertEquals(0, Sockets.await(p[0], Readiness.READ, 100));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 90, "poll returned after " + ms + " ms");
        } finally {
            Sockets.close(p[0]);
            Sockets.close(p[1]);
        }
    }

    @Test
    void heapBufferHasNoAddress() throws IOException {
        assertEquals(0, Sockets.address(ByteBuffer.allocate(8)));
        assertNotEquals(0, Sockets.address(ByteBuffer.allocateDirect(8)));
        assertNull(Sockets.address(new byte[16], new int[] {0, 0}), "not an IP address");
    }

    private static String ascii(ByteBuffer b, int len) {
        byte[] out = new byte[len];
        b.get(0, out);
        return new String(out, StandardCharsets.US_ASCII);
    }
}
