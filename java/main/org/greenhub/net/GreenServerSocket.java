package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.ReadinessWait;
import org.greenhub.internal.hub.Poller;

/**
 * A green listening socket: {@link #accept} parks the green thread until a connection
 * arrives (its hub runs the others); a plain thread blocks only itself. One thread
 * may wait in accept at a time; closing the socket wakes it with a
 * {@link java.net.SocketException}.
 */
public final class GreenServerSocket extends SocketBase {
    private final ListenerIo io;

    private GreenServerSocket(ListenerIo io) {
        this.io = io;
    }

    /** An acceptor's turn is longer than a connection's: see ReadinessWait.ACCEPT_TURN. */
    @Override
    int turn() {
        return ReadinessWait.ACCEPT_TURN;
    }

    @Override
    ListenerIo io() {
        return io;
    }

    /**
     * Binds to {@code addr} and listens; SO_REUSEADDR is set. Never blocks (but
     * resolving an unresolved address may).
     *
     * @param addr the address (port 0: any free port); an unresolved one is resolved first
     * @param backlog the length of the queue of pending connections (the OS may cap it)
     * @return the listening socket, with no timeout set
     * @throws NullPointerException if {@code addr} is null
     * @throws IllegalArgumentException if {@code backlog} is negative
     * @throws java.net.UnknownHostException if {@code addr} is unresolved and its host cannot be resolved
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be created, bound or put to listen
     */
    public static GreenServerSocket bind(InetSocketAddress addr, int backlog) throws IOException {
        return bind(addr, backlog, false);
    }

    /**
     * Like {@link #bind(InetSocketAddress, int)}; {@code reusePort} sets SO_REUSEPORT,
     * so that several listeners (one per hub) can share the port.
     *
     * @param addr the address (port 0: any free port); an unresolved one is resolved first
     * @param backlog the length of the queue of pending connections (the OS may cap it)
     * @param reusePort whether to set SO_REUSEPORT before binding
     * @return the listening socket, with no timeout set
     * @throws NullPointerException if {@code addr} is null
     * @throws IllegalArgumentException if {@code backlog} is negative
     * @throws UnsupportedOperationException if {@code reusePort} and the platform lacks SO_REUSEPORT (nio hub)
     * @throws java.net.UnknownHostException if {@code addr} is unresolved and its host cannot be resolved
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be created, bound or put to listen
     */
    public static GreenServerSocket bind(InetSocketAddress addr, int backlog, boolean reusePort) throws IOException {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog < 0: " + backlog);
        }
        InetSocketAddress at = GreenSocket.resolved(addr);
        return new GreenServerSocket(SocketIo.listener(at, backlog, reusePort));
    }

    /**
     * Waits for and returns the next connection.
     *
     * @return the connection, with TCP_NODELAY on and no timeout set (it does not
     *         inherit this socket's timeout)
     * @throws java.net.SocketTimeoutException if this socket's timeout passes first
     * @throws java.net.SocketException if this socket is or gets closed
     * @throws IllegalStateException if another thread is already waiting in accept on this socket
     * @throws IOException for other failures (too many open files, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public GreenSocket accept() throws IOException {
        ensureOpen();
        return GreenSocket.connection(retry(Poller.READ, Parking.deadline(timeout), "Accept", io::accept));
    }

    @Override
    public String toString() {
        try {
            return "GreenServerSocket[" + (isOpen() ? io.localAddress() : "closed") + "]";
        } catch (IOException e) {
            return "GreenServerSocket[" + e.getMessage() + "]";
        }
    }
}
