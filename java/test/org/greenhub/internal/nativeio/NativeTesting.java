package org.greenhub.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
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

    public static int check(int r, String what) throws IOException {
        return Errno.check(r, what);
    }

    /** A listening TCP socket on 127.0.0.1 (or ::1), ephemeral port; returns {fd, port}. */
    public static int[] listen(boolean v6) throws IOException {
        int fd = check(Sockets.socket(v6 ? Sockets.AF_INET6 : Sockets.AF_INET, Sockets.SOCK_STREAM), "socket");
        check(Sockets.setsockopt(fd, Sockets.SO_REUSEADDR, 1), "SO_REUSEADDR");
        check(Sockets.bind(fd, v6 ? LOOPBACK6 : LOOPBACK4, 0), "bind");
        check(Sockets.listen(fd, 128), "listen");
        byte[] a = new byte[16];
        int[] p = new int[2];
        check(Sockets.getsockname(fd, a, p), "getsockname");
        return new int[] {fd, p[0]};
    }

    /** Connects to the loopback port, waiting with Sockets.poll; returns the fd. */
    public static int connect(boolean v6, int port) throws IOException {
        int fd = check(Sockets.socket(v6 ? Sockets.AF_INET6 : Sockets.AF_INET, Sockets.SOCK_STREAM), "socket");
        int r = Sockets.connect(fd, v6 ? LOOPBACK6 : LOOPBACK4, port);
        if (r == -Errno.EINPROGRESS) {
            int bits = Sockets.poll(fd, Sockets.POLL_WRITE, 5000);
            assertTrue(bits > 0, "connect did not complete: " + bits);
            r = Sockets.finishConnect(fd);
        }
        check(r, "connect to port " + port);
        return fd;
    }

    /** Accepts one connection, waiting with Sockets.poll. */
    public static int accept(int listenFd) throws IOException {
        assertTrue(Sockets.poll(listenFd, Sockets.POLL_READ, 5000) > 0, "no connection to accept");
        return check(Sockets.accept(listenFd, new byte[16], new int[2]), "accept");
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
            if (Errno.wouldBlock(n)) {
                assertTrue(Sockets.poll(fd, Sockets.POLL_WRITE, 5000) > 0);
                continue;
            }
            off += check(n, "write");
        }
        return off;
    }

    public static byte[] readExactly(int fd, int len) throws IOException {
        ByteBuffer b = direct(Math.max(1, len));
        long a = Sockets.address(b);
        int off = 0;
        while (off < len) {
            int n = Sockets.read(fd, a + off, len - off);
            if (Errno.wouldBlock(n)) {
                assertTrue(Sockets.poll(fd, Sockets.POLL_READ, 5000) > 0, "nothing to read");
                continue;
            }
            check(n, "read");
            if (n == 0) {
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
