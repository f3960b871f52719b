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
 * arrives (its hub runs the others; a plain thread blocks only itself). One reader
 * and one writer may wait at a time (a second one gets an IllegalStateException);
 * closing the socket wakes them with a {@link java.net.SocketException}. Each
 * blocking call is bounded by the socket's {@link #setTimeout timeout}.
 */
public final class GreenDatagramSocket extends SocketBase {
    private final DatagramIo io;
    private GreenDatagramSocket(DatagramIo io) {
        this.io = io;
    }

    @Override
    DatagramIo io() {
        return io;
    }

    /**
     * A datagram socket bound to {@code addr}. Never blocks (but resolving an
     * unresolved address may).
     *
     * @param addr the address (port 0: any free port); an unresolved one is resolved first
     * @return the bound socket, with no timeout set
     * @throws NullPointerException if {@code addr} is null
     * @throws java.net.UnknownHostException if {@code addr} is unresolved and its host cannot be resolved
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be created or bound
     */
    public static GreenDatagramSocket bind(InetSocketAddress addr) throws IOException {
        InetSocketAddress at = GreenSocket.resolved(addr);
        return new GreenDatagramSocket(SocketIo.datagram(at));
    }

    /**
     * Waits for the next datagram and puts it into {@code dst} from its position (the
     * part that does not fit is dropped, as with recvfrom: all of it when {@code dst}
     * has no room); returns its sender.
     *
     * @param dst the buffer
     * @return the sender's address (an {@link InetSocketAddress})
     * @throws NullPointerException if {@code dst} is null
     * @throws IllegalArgumentException if {@code dst} is read-only, thrown before any
     *         datagram is taken
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed
     * @throws IllegalStateException if another thread is already waiting to receive on this socket
     * @throws IOException for other failures (on the native hubs a
     *         {@link java.net.PortUnreachableException} when the system reports an ICMP
     *         port unreachable, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        writable(dst);
        ensureOpen();
        return retry(Poller.READ, Parking.deadline(timeout), "Receive", () -> io.receive(dst));
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code to},
     * waiting while the send buffer is full; {@code src}'s position advances by the
     * bytes sent. An empty datagram is tried once, without waiting.
     *
     * @param src the datagram, from its position to its limit
     * @param to the receiver, an {@link InetSocketAddress}; an unresolved one is resolved first
     * @return the bytes sent: all of them; 0 for an empty datagram
     * @throws NullPointerException if {@code src} or {@code to} is null
     * @throws IllegalArgumentException if {@code to} is not an InetSocketAddress
     * @throws java.net.UnknownHostException if {@code to} is unresolved and its host cannot be resolved
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed
     * @throws IllegalStateException if another thread is already waiting to send on this socket
     * @throws IOException for other failures (a datagram too large, {@link java.net.PortUnreachableException}, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
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
        return retry(Poller.WRITE, Parking.deadline(timeout), "Send", () -> {
            int n = io.send(src, resolved);
            return n == 0 ? null : n;
        });
    }
}
