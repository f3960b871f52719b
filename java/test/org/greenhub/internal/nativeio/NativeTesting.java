package org.greenhub.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;

/** Helpers for tests of the native core over loopback. */
public final class NativeTesting {
    public static final byte[] LOOPBACK4 = {127, 0, 0, 1};
    public static final byte[] LOOPBACK6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private NativeTesting() {
    }

    /** Fails when the library was built here and does not load; skips (with the cause) when it was not built. */
    public static void requireLibrary() {
        if (NativeLibrary.isLoaded()) {
            return;
        }
        String cause = NativeLibrary.unavailabilityCause("epoll");
        if (org.greenhub.testing.NativeBuild.builtHere("epoll")) {
            fail("libgreenhub must load on Linux after the native build: " + cause);
        }
        System.out.println("skipping native test: " + cause);
        Assumptions.abort(cause);
    }

    public static InetSocketAddress loopback(boolean v6, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(v6 ? LOOPBACK6 : LOOPBACK4), port);
    }

    /** A listening TCP socket on 127.0.0.1 (or ::1), ephemeral port; returns {fd, port}. */
    public static int[] listen(boolean v6) throws IOException {
        int fd = Sockets.open(v6, false);
        Sockets.setOption(fd, Sockets.SO_REUSEADDR, 1, "SO_REUSEADDR");
        InetSocketAddress at = loopback(v6, 0);
        Sockets.bind(fd, at);
        Sockets.listen(fd, 128, at);
        return new int[] {fd, Sockets.localAddress(fd, new byte[16], new int[2]).getPort()};
    }

    /** Connects to the loopback port, waiting with Sockets.await; returns the fd. */
    public static int connect(boolean v6, int port) throws IOException {
        int fd = Sockets.open(v6, false);
        InetSocketAddress to = loopback(v6, port);
        if (!Sockets.connect(fd, to)) {
            int bits = Sockets.await(fd, Readiness.WRITE, 5000);
            assertTrue(bits > 0, "connect did not complete: " + bits);
            Sockets.finishConnect(fd, to);
        }
        return fd;
    }

    /** Accepts one connection, waiting with Sockets.await. */
    public static int accept(int listenFd) throws IOException {
        assertTrue(Sockets.await(listenFd, Readiness.READ, 5000) > 0, "no connection to accept");
        int fd = Sockets.accept(listenFd, new byte[16], new int[2]);
        assertTrue(fd >= 0, "nothing accepted after readiness");
        return fd;
    }

    /** {client, server} fds of a loopback TCP connection. */
    public static int[] pair() throws IOException {
        int[] l = listen(false);
        try {
            int c = connect(false, l[1]);
            int s = accept(l[0]);
            return new int[] {c, s};
        } finally {
            Sockets.close(l[0]);
        }
    }

    public static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size);
    }

    public static int writeAll(int fd, byte[] data) throws IOException {
        ByteBuffer b = direct(data.length);
        b.put(data).flip();
        long a = Sockets.address(b);
        int off = 0;
        while (off < data.length) {
            int n = Sockets.write(fd, a + off, data.length - off);
            if (n == 0) {
                assertTrue(Sockets.await(fd, Readiness.WRITE, 5000) > 0);
                continue;
            }
            off += n;
        }
        return off;
    }

    public static byte[] readExactly(int fd, int len) throws IOException {
        ByteBuffer b = direct(Math.max(1, len));
        long a = Sockets.address(b);
        int off = 0;
        while (off < len) {
            int n = Sockets.read(fd, a + off, len - off);
            if (n == 0) {
                assertTrue(Sockets.await(fd, Readiness.READ, 5000) > 0, "nothing to read");
                continue;
            }
            if (n < 0) {
                fail("EOF after " + off + " of " + len + " bytes");
            }
            off += n;
        }
        byte[] out = new byte[len];
        b.get(0, out);
        assertEquals(len, out.length);
        return out;
    }
}
