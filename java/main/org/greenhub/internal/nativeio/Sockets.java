package org.greenhub.internal.nativeio;

import java.nio.ByteBuffer;

/**
 * Non-blocking socket system calls. Every method returns a non-negative result or
 * a negative errno (map it with {@link Errno}); none allocates. Descriptors are
 * created non-blocking and close-on-exec. Addresses are {@code byte[]} of 4 (IPv4)
 * or 16 (IPv6) bytes plus a port; results come back in caller-provided arrays:
 * {@code addrOut} (16 bytes) and {@code portOut} ({@code [0]} = port,
 * {@code [1]} = address length 4 or 16, 0 if not IP). EINTR is retried in C except
 * for connect, close and poll.
 *
 * <p>Call only when {@link NativeLibrary#isLoaded()}.
 */
public final class Sockets {
    private Sockets() {
    }

    // Families and types (our own values, mapped in C).
    public static final int AF_INET = 4, AF_INET6 = 6;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2;
    // shutdown
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    // Socket options (our own values, mapped in C).
    public static final int SO_REUSEADDR = 1, SO_REUSEPORT = 2, TCP_NODELAY = 3, SO_KEEPALIVE = 4,
            SO_RCVBUF = 5, SO_SNDBUF = 6, SO_LINGER = 7, SO_BROADCAST = 8, IPV6_V6ONLY = 9,
            SO_ERROR = 10, SO_OOBINLINE = 11;
    // poll() events and results: the Poller bits.
    public static final int POLL_READ = 1, POLL_WRITE = 2, POLL_ERROR = 4;

    /** A new non-blocking, close-on-exec socket; fd or -errno. */
    public static native int socket(int family, int type);

    public static native int bind(int fd, byte[] addr, int port);

    public static native int listen(int fd, int backlog);

    /** Accepts a non-blocking, close-on-exec connection; fd or -errno (-EAGAIN: none pending). */
    public static native int accept(int fd, byte[] addrOut, int[] portOut);

    /** Starts a connect; 0 when done, -EINPROGRESS when pending (wait for WRITE, then {@link #finishConnect}). */
    public static native int connect(int fd, byte[] addr, int port);

    /** After WRITE readiness of a pending connect: 0 when connected, else -SO_ERROR. */
    public static native int finishConnect(int fd);

    /** Reads into native memory; bytes read, 0 at end of stream, or -errno. */
    public static native int read(int fd, long address, int len);

    public static native int write(int fd, long address, int len);

    /** Scatter read into {@code count} buffers {@code addresses[offset..]} / {@code lengths[offset..]} (count at most 1024). */
    public static native long readv(int fd, long[] addresses, int[] lengths, int offset, int count);

    public static native long writev(int fd, long[] addresses, int[] lengths, int offset, int count);

    /** Scatter read over a native array of {@code struct iovec} (16 bytes each on 64-bit: base, length). */
    public static native long readvIov(int fd, long iovAddress, int iovcnt);

    public static native long writevIov(int fd, long iovAddress, int iovcnt);

    /** Datagram receive; bytes received or -errno; sender in addrOut/portOut (may be null). */
    public static native int recvfrom(int fd, long address, int len, byte[] addrOut, int[] portOut);

    /** Datagram send to addr:port (addr null: the connected peer). */
    public static native int sendto(int fd, long address, int len, byte[] addr, int port);

    public static native int shutdown(int fd, int how);

    /** Closes; EINTR is not retried (the descriptor is gone anyway). */
    public static native int close(int fd);

    /** Sets an int option ({@code SO_LINGER}: seconds, negative = off; booleans: 0/1). */
    public static native int setsockopt(int fd, int option, int value);

    /** Reads an int option into {@code out[0]} ({@code SO_LINGER}: -1 when off); 0 or -errno. */
    public static native int getsockopt(int fd, int option, int[] out);

    public static native int getsockname(int fd, byte[] addrOut, int[] portOut);

    public static native int getpeername(int fd, byte[] addrOut, int[] portOut);

    /** Bytes readable without blocking (FIONREAD) or -errno. */
    public static native int available(int fd);

    /**
     * Blocks a plain (non-green) thread until {@code fd} is ready for {@code events}
     * (POLL_READ | POLL_WRITE) or {@code timeoutMs} passes (negative: forever).
     * Returns the ready bits (POLL_READ, POLL_WRITE, POLL_ERROR: error or hang-up),
     * 0 on timeout or EINTR (recompute the remaining time and call again), or -errno.
     */
    public static native int poll(int fd, int events, int timeoutMs);

    /** The native address of a direct buffer (0 for a heap buffer). */
    public static native long address(ByteBuffer directBuffer);
}
