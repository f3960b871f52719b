package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.greenhub.hub.Hub;
import org.greenhub.hub.Interest;
import org.greenhub.hub.Parking;
import org.greenhub.hub.PollState;

/** A green listening socket: {@link #accept} parks the green thread until a connection arrives. */
public final class GreenServerSocket implements GreenChannel {
    private final SocketIo io;
    private volatile Duration timeout;
    private volatile boolean closed;

    private GreenServerSocket(SocketIo io) {
        this.io = io;
    }

    /** Binds to {@code addr} (port 0: any free port) and listens; SO_REUSEADDR is set. */
    public static GreenServerSocket bind(InetSocketAddress addr, int backlog) throws IOException {
        return bind(addr, backlog, false);
    }

    /** Like {@link #bind(InetSocketAddress, int)}; {@code reusePort} sets SO_REUSEPORT (one listener per hub). */
    public static GreenServerSocket bind(InetSocketAddress addr, int backlog, boolean reusePort) throws IOException {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog < 0: " + backlog);
        }
        InetSocketAddress at = GreenSocket.resolved(addr);
        SocketIo io = SocketIo.open(SocketIo.Kind.LISTENER, NativeIo.isIpv6(at));
        try {
            io.bind(at, backlog, reusePort);
        } catch (Throwable t) {
            io.close();
            throw t;
        }
        return new GreenServerSocket(io);
    }

    /** Waits for and returns the next connection; SocketTimeoutException after the timeout. */
    public GreenSocket accept() throws IOException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
        long deadline = Parking.deadline(timeout);
        while (true) {
            SocketIo c = io.accept();
            if (c != null) {
                return new GreenSocket(c);
            }
            try {
                if (!Hub.awaitReady(io.state(), Interest.READ, deadline)) {
                    throw new java.net.SocketTimeoutException("Accept timed out");
                }
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed");
            }
        }
    }

    /** The timeout of {@link #accept} (null: none). */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public InetSocketAddress localAddress() throws IOException {
        return io.localAddress();
    }

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

    @Override
    public PollState pollState() {
        return io.state();
    }

    @Override
    public String toString() {
        try {
            return "GreenServerSocket[" + (closed ? "closed" : io.localAddress()) + "]";
        } catch (IOException e) {
            return "GreenServerSocket[" + e.getMessage() + "]";
        }
    }
}
