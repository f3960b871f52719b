package org.greenhub.internal.nativeio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Non-blocking socket system calls on native descriptors, as results and java.net
 * exceptions (errno stays in the binding). None allocates on the stream paths. Every
 * call that would block returns at once and says so in its result; the caller waits
 * for readiness on its hub and calls again.
 *
 * <p>Call only when {@link NativeLibrary#isLoaded()}.
 */
public final class Sockets {
    private Sockets() {
    }

    // Socket options (our own numbers, mapped in C).
    public static final int SO_REUSEADDR = 1, SO_REUSEPORT = 2, TCP_NODELAY = 3, SO_KEEPALIVE = 4,
            SO_RCVBUF = 5, SO_SNDBUF = 6, SO_LINGER = 7, SO_BROADCAST = 8, IPV6_V6ONLY = 9, SO_ERROR = 10;
    private static final int AF_INET = 4, AF_INET6 = 6, SOCK_STREAM = 1, SOCK_DGRAM = 2, SHUT_WR = 1;

    /** A new non-blocking, close-on-exec socket: TCP, or UDP when {@code datagram}. */
    public static int open(boolean ipv6, boolean datagram) throws IOException {
        return Errno.check(SocketNatives.socket(ipv6 ? AF_INET6 : AF_INET, datagram ? SOCK_DGRAM : SOCK_STREAM), "socket");
    }

    public static void bind(int fd, InetSocketAddress at) throws IOException {
        Errno.check(SocketNatives.bind(fd, at.getAddress().getAddress(), at.getPort()), at.toString());
    }

    public static void listen(int fd, int backlog, InetSocketAddress at) throws IOException {
        Errno.check(SocketNatives.listen(fd, backlog), "listen " + at);
    }

    /** An accepted non-blocking, close-on-exec connection, or -1 when none is pending. */
    public static int accept(int fd, byte[] addrOut, int[] portOut) throws IOException {
        int r = SocketNatives.accept(fd, addrOut, portOut);
        if (r >= 0) {
            return r;
        }
        if (Errno.wouldBlock(r)) {
            return -1;
        }
        throw Errno.exception(r, "accept");
    }

    /** Starts a connect: true when connected already, false when WRITE readiness must be awaited ({@link #finishConnect}). */
    public static boolean connect(int fd, InetSocketAddress to) throws IOException {
        int r = SocketNatives.connect(fd, to.getAddress().getAddress(), to.getPort());
        if (r == 0) {
            return true;
        }
        if (r == -Errno.EINPROGRESS || Errno.wouldBlock(r)) {
            return false;
        }
        throw Errno.exception(r, to.toString());
    }

    /** Completes a connect after WRITE readiness; throws its error (ConnectException, ...). */
    public static void finishConnect(int fd, InetSocketAddress to) throws IOException {
        Errno.check(SocketNatives.finishConnect(fd), to.toString());
    }

    /** Reads into native memory: bytes read (> 0), 0 when it would block, -1 at end of stream. */
    public static int read(int fd, long address, int len) throws IOException {
        int n = SocketNatives.read(fd, address, len);
        if (n > 0) {
            return n;
        }
        if (n == 0) {
            return -1;
        }
        if (Errno.wouldBlock(n)) {
            return 0;
        }
        throw Errno.exception(n, "read");
    }

    /** Writes from native memory: bytes written, 0 when it would block. */
    public static int write(int fd, long address, int len) throws IOException {
        int n = SocketNatives.write(fd, address, len);
        if (n >= 0) {
            return n;
        }
        if (Errno.wouldBlock(n)) {
            return 0;
        }
        throw Errno.exception(n, "write");
    }

    /** Receives one datagram: its length (0 is a datagram too), or -1 when none is queued; its sender in the out arrays. */
    public static int receive(int fd, long address, int len, byte[] addrOut, int[] portOut) throws IOException {
        int n = SocketNatives.recvfrom(fd, address, len, addrOut, portOut);
        if (n >= 0) {
            return n;
        }
        if (Errno.wouldBlock(n)) {
            return -1;
        }
        throw Errno.datagramException(n, "recvfrom");
    }

    /** Sends one datagram to {@code to}: bytes sent, or -1 when it would block. */
    public static int send(int fd, long address, int len, InetSocketAddress to) throws IOException {
        int n = SocketNatives.sendto(fd, address, len, to.getAddress().getAddress(), to.getPort());
        if (n >= 0) {
            return n;
        }
        if (Errno.wouldBlock(n)) {
            return -1;
        }
        throw Errno.datagramException(n, "sendto " + to);
    }

    public static void shutdownOutput(int fd) throws IOException {
        Errno.check(SocketNatives.shutdown(fd, SHUT_WR), "shutdown");
    }

    /** Closes {@code fd}; the descriptor is released even when close reports an error, so none is thrown. */
    public static void close(int fd) {
        SocketNatives.close(fd);
    }

    /** Sets an int option ({@code SO_LINGER}: seconds, negative = off; booleans: 0/1). */
    public static void setOption(int fd, int option, int value, String name) throws IOException {
        Errno.check(SocketNatives.setsockopt(fd, option, value), name);
    }

    /** An int option ({@code SO_LINGER}: -1 when off). */
    public static int getOption(int fd, int option, String name) throws IOException {
        int[] out = new int[1];
        Errno.check(SocketNatives.getsockopt(fd, option, out), name);
        return out[0];
    }

    public static InetSocketAddress localAddress(int fd, byte[] addrOut, int[] portOut) throws IOException {
        Errno.check(SocketNatives.getsockname(fd, addrOut, portOut), "getsockname");
        return address(addrOut, portOut);
    }

    /** The connected peer; a SocketException when there is none (not connected, reset, closed). */
    public static InetSocketAddress remoteAddress(int fd, byte[] addrOut, int[] portOut) throws IOException {
        Errno.check(SocketNatives.getpeername(fd, addrOut, portOut), "getpeername");
        return address(addrOut, portOut);
    }

    /**
     * The readiness of {@code fd} now (poll(2), no waiting): {@link Readiness} bits, 0
     * when neither is ready. A descriptor that is no longer valid reports ERROR.
     */
    public static int readinessNow(int fd, int events) {
        int r = SocketNatives.poll(fd, events, 0);
        return r >= 0 ? r : Readiness.ERROR;
    }

    /** Blocks the calling thread until {@code fd} is ready for {@code events} or {@code timeoutMs} passes: the ready bits, or 0. */
    public static int await(int fd, int events, int timeoutMs) throws IOException {
        return Errno.check(SocketNatives.poll(fd, events, timeoutMs), "poll");
    }

    /** The native address of a direct buffer. */
    public static long address(ByteBuffer directBuffer) {
        return SocketNatives.address(directBuffer);
    }

    /** The address in {@code addr}/{@code port} as returned by the calls above, or null when it is not IP. */
    public static InetSocketAddress address(byte[] addr, int[] port) throws IOException {
        int len = port[1];
        if (len != 4 && len != 16) {
            return null;
        }
        byte[] raw = len == 4 ? new byte[] {addr[0], addr[1], addr[2], addr[3]} : addr.clone();
        return new InetSocketAddress(InetAddress.getByAddress(raw), port[0]);
    }

}
