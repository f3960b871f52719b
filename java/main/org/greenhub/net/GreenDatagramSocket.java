package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Poller;

/**
 * A green UDP socket: {@link #receive} parks the green thread until a datagram
 * arrives (a plain thread blocks only itself). One reader and one writer may wait
 * at a time; closing the socket wakes them with an IOException.
 */
public final class GreenDatagramSocket extends SocketBase {
    private GreenDatagramSocket(SocketIo io) {
        super(io);
    }

    /** A datagram socket bound to {@code addr} (port 0: any free port). */
    public static GreenDatagramSocket bind(InetSocketAddress addr) throws IOException {
        InetSocketAddress at = GreenSocket.resolved(addr);
        SocketIo io = SocketIo.open(SocketIo.Kind.DATAGRAM, NativeIo.isIpv6(at));
        try {
            io.bind(at, -1, false); // backlog -1: no listen
        } catch (Throwable t) {
            io.close();
            throw t;
        }
        return new GreenDatagramSocket(io);
    }

    /**
     * Waits for the next datagram and puts it into {@code dst} (the part that does
     * not fit is dropped, as with recvfrom); returns its sender.
     * SocketTimeoutException after the timeout. A read-only {@code dst} is an
     * IllegalArgumentException, thrown before any datagram is taken.
     */
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        writable(dst);
        ensureOpen();
        long deadline = Parking.deadline(timeout);
        while (true) {
            InetSocketAddress from = io.receive(dst);
            if (from != null) {
                return from;
            }
            await(Poller.READ, deadline, "Receive");
        }
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code to},
     * waiting while the send buffer is full; returns the bytes sent. An empty
     * datagram is sent without waiting.
     */
    public int send(ByteBuffer src, SocketAddress to) throws IOException {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(to, "to");
        if (!(to instanceof InetSocketAddress target)) {
            throw new IllegalArgumentException("not an InetSocketAddress: " + to);
        }
        ensureOpen();
        InetSocketAddress resolved = GreenSocket.resolved(target);
        if (!src.hasRemaining()) {
            // An empty datagram: "sent" and "would block" both return 0, so try once without waiting.
            return io.send(src, resolved);
        }
        long deadline = Parking.deadline(timeout);
        while (true) {
            int n = io.send(src, resolved);
            if (n > 0) {
                return n;
            }
            await(Poller.WRITE, deadline, "Send");
        }
    }
}
