package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Poller;

/** A green listening socket: {@link #accept} parks the green thread until a connection arrives. */
public final class GreenServerSocket extends SocketBase {
    private GreenServerSocket(SocketIo io) {
        super(io);
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
        ensureOpen();
        long deadline = Parking.deadline(timeout);
        while (true) {
            SocketIo c = io.accept();
            if (c != null) {
                return GreenSocket.connection(c);
            }
            await(Poller.READ, deadline, "Accept");
        }
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
