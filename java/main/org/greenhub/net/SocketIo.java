package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import org.greenhub.internal.hub.HubKinds;
import org.greenhub.internal.hub.PollState;

/**
 * One non-blocking socket underneath a green socket: a native descriptor (epoll and
 * kqueue hubs) or a java.nio channel (nio hub). Every call returns at once; the green
 * sockets above wait for readiness on the hub between calls ({@link SocketBase#retry}).
 * What every kind has is here; {@link StreamIo}, {@link ListenerIo} and
 * {@link DatagramIo} add the calls of each kind.
 */
interface SocketIo {
    /** The readiness state the hubs wait on. */
    PollState state();

    /** Closes the socket itself (the green socket above has already woken its waiters). */
    void close() throws IOException;

    InetSocketAddress localAddress() throws IOException;

    <T> void setOption(SocketOption<T> option, T value) throws IOException;

    <T> T getOption(SocketOption<T> option) throws IOException;

    /** Whether sockets are native descriptors (the selected hub is epoll or kqueue). */
    static boolean nativeSockets() {
        return !HubKinds.selected().equals("nio");
    }

    /** Whether {@code a} needs an IPv6 socket. */
    static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof java.net.Inet6Address;
    }

    /** A new TCP socket, not connected yet. */
    static ConnectingIo stream(boolean ipv6) throws IOException {
        return nativeSockets() ? NativeIo.open(ipv6, false) : NioIo.stream(ipv6);
    }

    /** A TCP socket bound to {@code at} and listening with {@code backlog}, SO_REUSEADDR set. */
    static ListenerIo listener(InetSocketAddress at, int backlog, boolean reusePort) throws IOException {
        return nativeSockets() ? NativeIo.listener(at, backlog, reusePort) : NioIo.listener(at, backlog, reusePort);
    }

    /** A UDP socket bound to {@code at}. */
    static DatagramIo datagram(InetSocketAddress at) throws IOException {
        return nativeSockets() ? NativeIo.datagram(at) : NioIo.datagram(at);
    }
}
