package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.PollState;
import org.greenhub.internal.hub.ChannelStates;

/**
 * What every green socket shares: its {@link SocketIo}, its timeout, waiting for
 * readiness between non-blocking calls, and closing (which wakes its waiters).
 */
abstract sealed class SocketBase implements GreenChannel permits GreenSocket, GreenServerSocket, GreenDatagramSocket {
    static {
        ChannelStates.install(c -> ((SocketBase) c).io.state());
    }

    final SocketIo io;
    volatile Duration timeout;
    private volatile boolean closed;

    SocketBase(SocketIo io) {
        this.io = io;
    }

    /**
     * Waits for readiness ({@code Poller.READ} or {@code Poller.WRITE}); SocketTimeoutException
     * at the deadline, SocketException once closed.
     */
    final void await(int interest, long deadline, String what) throws IOException {
        try {
            if (!HubLoop.awaitReady(io.state(), interest, deadline)) {
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
     * The timeout of each blocking call ({@link SocketTimeoutException}); null: none.
     * Zero makes a call that would wait time out at once (a non-blocking socket, as
     * Python's {@code settimeout(0)}); a negative timeout is an IllegalArgumentException.
     */
    public void setTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        this.timeout = timeout;
    }

    /** The current timeout (null: none). */
    public Duration timeout() {
        return timeout;
    }

    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        return io.localAddress();
    }

    /** Closes the socket and wakes any thread waiting on it. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        io.state().markClosed();
        io.close();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

}
