package org.greenhub.internal.nativeio;

import static org.greenhub.internal.nativeio.NativeTesting.LOOPBACK4;
import static org.greenhub.internal.nativeio.NativeTesting.LOOPBACK6;
import static org.greenhub.internal.nativeio.NativeTesting.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        assertTrue(Sockets.poll(l[0], Sockets.POLL_READ, 5000) > 0);
        int s = check(Sockets.accept(l[0], peer, pp), "accept");
        try {
            assertEquals(4, pp[1]);
            assertArrayEquals(LOOPBACK4, Arrays.copyOf(peer, 4));
            byte[] local = new byte[16];
            int[] lp = new int[2];
            check(Sockets.getsockname(c, local, lp), "getsockname");
            assertEquals(pp[0], lp[0], "accepted peer port = client's local port");
            check(Sockets.getpeername(c, local, lp), "getpeername");
            assertEquals(l[1], lp[0]);

            // Nothing to read yet: EAGAIN, not a block.
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            assertTrue(Errno.wouldBlock(Sockets.read(s, Sockets.address(b), 64)));
            assertEquals(0, Sockets.poll(s, Sockets.POLL_READ, 50), "idle socket is not readable");
            assertEquals(Sockets.POLL_WRITE, Sockets.poll(s, Sockets.POLL_WRITE, 0));

            byte[] msg = "hello, hub".getBytes(StandardCharsets.US_ASCII);
            NativeTesting.writeAll(c, msg);
            assertEquals(Sockets.POLL_READ, Sockets.poll(s, Sockets.POLL_READ, 5000));
            assertEquals(msg.length, Sockets.available(s));
            assertArrayEquals(msg, NativeTesting.readExactly(s, msg.length));

            // Shutdown of the client's output: the server reads EOF.
            check(Sockets.shutdown(c, Sockets.SHUT_WR), "shutdown");
            assertTrue((Sockets.poll(s, Sockets.POLL_READ, 5000) & Sockets.POLL_READ) != 0);
            assertEquals(0, Sockets.read(s, Sockets.address(b), 64));
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
    void scatterGatherWithArraysAndIovecs() throws IOException {
        int[] p = NativeTesting.pair();
        try {
            ByteBuffer a = ByteBuffer.allocateDirect(3).put("abc".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocateDirect(4).put("defg".getBytes(StandardCharsets.US_ASCII));
            long[] addrs = {0, Sockets.address(a), Sockets.address(b)};
            int[] lens = {0, 3, 4};
            assertEquals(7, Errno.check(Sockets.writev(p[0], addrs, lens, 1, 2), "writev"));
            assertTrue(Sockets.poll(p[1], Sockets.POLL_READ, 5000) > 0);

            ByteBuffer x = ByteBuffer.allocateDirect(2);
            ByteBuffer y = ByteBuffer.allocateDirect(16);
            long got = 0;
            while (got < 7) {
                long n = Sockets.readv(p[1], new long[] {Sockets.address(x) + Math.min(got, 2),
                    Sockets.address(y) + Math.max(0, got - 2)},
                        new int[] {(int) Math.max(0, 2 - got), (int) (16 - Math.max(0, got - 2))}, 0, 2);
                if (Errno.wouldBlock((int) n)) {
                    Sockets.poll(p[1], Sockets.POLL_READ, 5000);
                    continue;
                }
                got += Errno.check(n, "readv");
            }
            assertEquals("ab", ascii(x, 2));
            assertEquals("cdefg", ascii(y, 5));

            // The same through a native iovec array (base, length: 16 bytes each).
            ByteBuffer iov = ByteBuffer.allocateDirect(32).order(java.nio.ByteOrder.nativeOrder());
            iov.putLong(0, Sockets.address(a)).putLong(8, 3).putLong(16, Sockets.address(b)).putLong(24, 4);
            assertEquals(7, Errno.check(Sockets.writevIov(p[0], Sockets.address(iov), 2), "writev"));
            ByteBuffer z = ByteBuffer.allocateDirect(7);
            ByteBuffer riov = ByteBuffer.allocateDirect(16).order(java.nio.ByteOrder.nativeOrder());
            riov.putLong(0, Sockets.address(z)).putLong(8, 7);
            assertTrue(Sockets.poll(p[1], Sockets.POLL_READ, 5000) > 0);
            long n = Sockets.readvIov(p[1], Sockets.address(riov), 1);
            assertTrue(n > 0, "readv: " + n);
            assertEquals("abcdefg".substring(0, (int) n), ascii(z, (int) n));
        } finally {
            Sockets.close(p[0]);
            Sockets.close(p[1]);
        }
    }

    @Test
    void closeIsSeenByThePeer() throws IOException {
        int[] p = NativeTesting.pair();
        check(Sockets.close(p[0]), "close");
        try {
            int bits = Sockets.poll(p[1], Sockets.POLL_READ, 5000);
            assertTrue((bits & Sockets.POLL_READ) != 0);
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            assertEquals(0, Sockets.read(p[1], Sockets.address(b), 8));
            // Reading or writing a closed descriptor: EBADF, mapped.
            int r = Sockets.read(p[0], Sockets.address(b), 8);
            assertEquals(-Errno.EBADF, r);
            assertInstanceOf(java.net.SocketException.class, Errno.exception(r, "read"));
        } finally {
            Sockets.close(p[1]);
        }
    }

    @Test
    void refusedConnectionIsAConnectException() throws IOException {
        int[] l = NativeTesting.listen(false);
        int port = l[1];
        Sockets.close(l[0]); // nobody listens there now
        int fd = check(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM), "socket");
        try {
            int r = Sockets.connect(fd, LOOPBACK4, port);
            if (r == -Errno.EINPROGRESS) {
                assertTrue(Sockets.poll(fd, Sockets.POLL_WRITE, 5000) > 0);
                r = Sockets.finishConnect(fd);
            }
            assertEquals(-Errno.ECONNREFUSED, r);
            int res = r;
            ConnectException e = assertThrows(ConnectException.class, () -> Errno.check(res, "127.0.0.1:" + port));
            assertEquals("Connection refused: 127.0.0.1:" + port, e.getMessage());
        } finally {
            Sockets.close(fd);
        }
    }

    @Test
    void bindingABusyPortIsABindException() throws IOException {
        int[] l = NativeTesting.listen(false);
        int fd = check(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM), "socket");
        try {
            int r = Sockets.bind(fd, LOOPBACK4, l[1]);
            assertEquals(-Errno.EADDRINUSE, r);
            assertInstanceOf(BindException.class, Errno.exception(r, "127.0.0.1:" + l[1]));
        } finally {
            Sockets.close(fd);
            Sockets.close(l[0]);
        }
    }

    @Test
    void udpSendToAndReceiveFrom() throws IOException {
        int a = check(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM), "socket");
        int b = check(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_DGRAM), "socket");
        try {
            check(Sockets.bind(a, LOOPBACK4, 0), "bind");
            check(Sockets.bind(b, LOOPBACK4, 0), "bind");
            byte[] addr = new byte[16];
            int[] pa = new int[2];
            int[] pb = new int[2];
            check(Sockets.getsockname(a, addr, pa), "getsockname");
            check(Sockets.getsockname(b, addr, pb), "getsockname");
            ByteBuffer out = ByteBuffer.allocateDirect(5).put("ping!".getBytes(StandardCharsets.US_ASCII));
            assertEquals(5, Sockets.sendto(a, Sockets.address(out), 5, LOOPBACK4, pb[0]));
            assertTrue(Sockets.poll(b, Sockets.POLL_READ, 5000) > 0);
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            byte[] from = new byte[16];
            int[] fp = new int[2];
            assertEquals(5, Sockets.recvfrom(b, Sockets.address(in), 64, from, fp));
            assertEquals("ping!", ascii(in, 5));
            assertEquals(pa[0], fp[0]);
            assertEquals(4, fp[1]);
            assertArrayEquals(LOOPBACK4, Arrays.copyOf(from, 4));
            assertTrue(Errno.wouldBlock(Sockets.recvfrom(b, Sockets.address(in), 64, null, null)));
        } finally {
            Sockets.close(a);
            Sockets.close(b);
        }
    }

    @Test
    void socketOptionsRoundTrip() throws IOException {
        int fd = check(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM), "socket");
        int[] v = new int[1];
        try {
            for (int opt : new int[] {Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT, Sockets.TCP_NODELAY,
                Sockets.SO_KEEPALIVE}) {
                check(Sockets.setsockopt(fd, opt, 1), "set " + opt);
                check(Sockets.getsockopt(fd, opt, v), "get " + opt);
                assertNotEquals(0, v[0], "option " + opt);
                check(Sockets.setsockopt(fd, opt, 0), "set " + opt);
                check(Sockets.getsockopt(fd, opt, v), "get " + opt);
                assertEquals(0, v[0], "option " + opt);
            }
            check(Sockets.setsockopt(fd, Sockets.SO_RCVBUF, 65536), "SO_RCVBUF");
            check(Sockets.getsockopt(fd, Sockets.SO_RCVBUF, v), "SO_RCVBUF");
            assertTrue(v[0] >= 65536, "SO_RCVBUF " + v[0]); // Linux doubles it
            check(Sockets.setsockopt(fd, Sockets.SO_SNDBUF, 65536), "SO_SNDBUF");
            check(Sockets.getsockopt(fd, Sockets.SO_SNDBUF, v), "SO_SNDBUF");
            assertTrue(v[0] >= 65536, "SO_SNDBUF " + v[0]);
            check(Sockets.getsockopt(fd, Sockets.SO_LINGER, v), "SO_LINGER");
            assertEquals(-1, v[0]);
            check(Sockets.setsockopt(fd, Sockets.SO_LINGER, 7), "SO_LINGER");
            check(Sockets.getsockopt(fd, Sockets.SO_LINGER, v), "SO_LINGER");
            assertEquals(7, v[0]);
            check(Sockets.setsockopt(fd, Sockets.SO_LINGER, -1), "SO_LINGER");
            check(Sockets.getsockopt(fd, Sockets.SO_LINGER, v), "SO_LINGER");
            assertEquals(-1, v[0]);
            assertTrue(Sockets.setsockopt(fd, 999, 1) < 0, "unknown option");
        } finally {
            Sockets.close(fd);
        }
    }

    @Test
    void ipv6LoopbackIfAvailable() throws IOException {
        int probe = Sockets.socket(Sockets.AF_INET6, Sockets.SOCK_STREAM);
        String reason = null;
        if (probe < 0) {
            reason = "no IPv6 sockets: " + Errno.describe(probe);
        } else {
            int r = Sockets.bind(probe, LOOPBACK6, 0);
            Sockets.close(probe);
            if (r < 0) {
                reason = "cannot bind ::1: " + Errno.describe(r);
            }
        }
        if (reason != null) {
            System.out.println("skipping IPv6 test: " + reason);
            Assumptions.abort(reason);
        }
        int[] l = NativeTesting.listen(true);
        int c = NativeTesting.connect(true, l[1]);
        byte[] peer = new byte[16];
        int[] pp = new int[2];
        assertTrue(Sockets.poll(l[0], Sockets.POLL_READ, 5000) > 0);
        int s = check(Sockets.accept(l[0], peer, pp), "accept");
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
    void plainThreadPollTimesOut() throws IOException {
        int[] p = NativeTesting.pair();
        try {
            long t0 = System.nanoTime();
            assertEquals(0, Sockets.poll(p[0], Sockets.POLL_READ, 100));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 90, "poll returned after " + ms + " ms");
        } finally {
            Sockets.close(p[0]);
            Sockets.close(p[1]);
        }
    }

    @Test
    void heapBufferHasNoAddress() {
        assertEquals(0, Sockets.address(ByteBuffer.allocate(8)));
        assertNotEquals(0, Sockets.address(ByteBuffer.allocateDirect(8)));
    }

    private static String ascii(ByteBuffer b, int len) {
        byte[] out = new byte[len];
        b.get(0, out);
        return new String(out, StandardCharsets.US_ASCII);
    }
}
