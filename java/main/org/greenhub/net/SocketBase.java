package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.greenhub.internal.hub.ReadinessWait;
import org.greenhub.internal.hub.PollState;
import org.greenhub.internal.hub.ChannelStates;

/**
 * What every green socket shares: its {@link SocketIo}, its timeout, waiting for
 * readiness between non-blocking calls, and closing (which wakes its waiters).
 */
abstract sealed class SocketBase implements GreenChannel permits GreenSocket, GreenServerSocket, GreenDatagramSocket {
    static {
        ChannelStates.install(c -> ((SocketBase) c).io().state());
    }


    volatile Duration timeout;
    private volatile boolean closed;

    /** The socket underneath, of this socket's kind. */
    abstract SocketIo io();

    /** One non-blocking try of a socket call: its result, or null when the call would block. */
    @FunctionalInterface
    interface Attempt<T> {
        T attempt() throws IOException;
    }

    /**
     * The one retry loop of the green sockets (Eventlet's {@code _recv_loop}): tries
     * {@code call}; while it would block, waits for {@code interest} readiness and tries
     * again. SocketTimeoutException ("{@code what} timed out") at the deadline. After
     * {@link #turn} calls in a row on this socket that did not wait, the green thread
     * first lets the others of its hub run.
     */
    final <T> T retry(int interest, long deadline, String what, Attempt<T> call) throws IOException {
        ReadinessWait.beforeCall(io().state(), turn()); // a bounded turn: see ReadinessWait.TURN
        T r;
        while ((r = call.attempt()) == null) {
            await(interest, deadline, what);
        }
        return r;
    }

    /** Calls in a row without a wait before the caller gives up its turn. */
    int turn() {
        return ReadinessWait.TURN;
    }

    /**
     * Waits for readiness ({@code Poller.READ} or {@code Poller.WRITE}); SocketTimeoutException
     * at the deadline, SocketException once closed.
     */
    final void await(int interest, long deadline, String what) throws IOException {
        try {
            if (!ReadinessWait.awaitReady(io().state(), interest, deadline)) {
                throw new SocketTimeoutException(what + " timed out");
            }
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * Checks a buffer to read into before any system call, so that every hub rejects
     * it the same way and nothing is taken off the socket (as SocketChannel.read does).
     */
    static void writable(java.nio.ByteBuffer dst) {
        if (dst.isReadOnly()) { // NullPointerException for null, from here
            throw new IllegalArgumentException("read-only buffer");
        }
    }

    final void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * Sets the timeout of each blocking call made after this one: a call that is not
     * done when it passes throws a {@link SocketTimeoutException}. It counts from the
     * call's start, so a call that waits several times ({@code sendAll}) has one
     * deadline for all of them. Any thread; never blocks.
     *
     * @param timeout null: no timeout (as 2^62 ns, about 146 years, or more); zero: a
     *                call that would wait times out at once (a non-blocking socket, as
     *                Python's {@code settimeout(0)})
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public void setTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * The timeout of blocking calls.
     *
     * @return the timeout set by {@link #setTimeout}, null when there is none
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The address this socket is bound to.
     *
     * @return the local address and port
     * @throws SocketException if this socket is closed
     * @throws IOException if the system cannot report the address
     */
    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        return io().localAddress();
    }

    /**
     * Closes the socket and wakes any thread waiting on it, which then throws a
     * {@link SocketException} ("Socket closed"); later calls throw it too. Idempotent;
     * any thread; never blocks (a TLS socket sends close_notify only if the socket
     * takes it at once).
     *
     * @throws IOException if closing the underlying java.nio channel fails (nio hub);
     *         the socket counts as closed all the same
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        io().state().markClosed();
        io().close();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

}
