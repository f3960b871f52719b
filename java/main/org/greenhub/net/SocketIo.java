package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import org.greenhub.internal.hub.HubKinds;
import org.greenhub.internal.hub.PollState;

/**
 * One non-blocking socket underneath a green socket: a native descriptor (epoll
 * and kqueue hubs) or a java.nio channel (nio hub). Every call returns at once;
 * the green sockets above wait for readiness on the hub between calls.
 */
abstract class SocketIo {
    enum Kind { STREAM, LISTENER, DATAGRAM }

    /** Whether sockets are native descriptors (the selected hub is epoll or kqueue). */
    static boolean nativeSockets() {
        return !HubKinds.selected().equals("nio");
    }

    /** Whether {@code a} needs an IPv6 socket. */
    static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof java.net.Inet6Address;
    }

    static SocketIo open(Kind kind, boolean ipv6) throws IOException {
        return nativeSockets() ? NativeIo.open(kind, ipv6) : NioIo.open(kind, ipv6);
    }

    /** The readiness state the hubs wait on. */
    abstract PollState state();

    /** Bytes read (> 0), 0 when it would block, -1 at end of stream. */
    abstract int read(ByteBuffer dst) throws IOException;

    /** Bytes written; 0 when it would block. */
    abstract int write(ByteBuffer src) throws IOException;

    /** Starts a connect: true when already connected, false when WRITE readiness must be awaited. */
    abstract boolean startConnect(InetSocketAddress to) throws IOException;

    /** Completes a pending connect after WRITE readiness; throws its error (ConnectException...). */
    abstract void finishConnect(InetSocketAddress to) throws IOException;

    /** Binds (and for a listener, listens with {@code backlog}). */
    abstract void bind(InetSocketAddress at, int backlog, boolean reusePort) throws IOException;

    /** An accepted connection, or null when none is pending. */
    abstract SocketIo accept() throws IOException;

    /** A datagram's sender (the data goes to {@code dst}), or null when none is queued. */
    abstract InetSocketAddress receive(ByteBuffer dst) throws IOException;

    /** Bytes sent as one datagram; 0 when it would block. */
    abstract int send(ByteBuffer src, InetSocketAddress to) throws IOException;

    abstract void shutdownOutput() throws IOException;

    /** Closes the socket itself (the green socket above has already woken its waiters). */
    abstract void close() throws IOException;

    abstract InetSocketAddress localAddress() throws IOException;

    abstract InetSocketAddress remoteAddress() throws IOException;

    abstract <T> void setOption(SocketOption<T> option, T value) throws IOException;

    abstract <T> T getOption(SocketOption<T> option) throws IOException;
}
