package org.greenhub.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Poller;

/**
 * A green TCP socket: calls look blocking, but a green thread that would block
 * parks on its hub until the socket is ready. From a plain thread the same calls
 * block only that thread. One reader and one writer may wait at a time (a second
 * one gets an IllegalStateException); a socket closed while another thread waits on
 * it wakes that thread with a {@link java.net.SocketException} ("Socket closed").
 *
 * <p>Each blocking call is bounded by the socket's {@link #setTimeout timeout}
 * ({@link SocketTimeoutException}), counted from the call's start. A green thread
 * killed while it waits gets {@link org.greenhub.GreenThreadExit}, one whose
 * {@code Timeout} fires gets {@link org.greenhub.TimeoutExpired}, and a thread
 * interrupted while it waits gets a {@link org.greenhub.GreenException} whose cause
 * is an InterruptedException. A socket may be used from several hubs and plain
 * threads; it is watched by the hub of the first thread that waits on it.
 */
public final class GreenSocket extends SocketBase {
    private final StreamIo io;
    private InputStream in;
    private OutputStream out;

    GreenSocket(StreamIo io) {
        this.io = io;
    }

    /**
     * A new TCP connection (connected or accepted). It starts with TCP_NODELAY on, as
     * Go's and Netty's connections do: a request/response server must not hold a small
     * reply back for Nagle's algorithm. {@code setOption(TCP_NODELAY, false)} turns
     * Nagle back on. Best effort: an error here shows up again on the first real call.
     */
    static GreenSocket connection(StreamIo io) {
        try {
            io.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException ignored) {
            // the connection's next call reports what is wrong with it
        }
        return new GreenSocket(io);
    }

    /** The io underneath (GreenTls layers TLS over it). */
    @Override
    StreamIo io() {
        return io;
    }

    /**
     * Connects to {@code addr} (eventlet.connect), waiting as long as the OS allows.
     *
     * @param addr the peer; an unresolved one is resolved first (from a green thread on
     *             a {@code Tpool} thread, so that the hub goes on)
     * @return the connected socket, with TCP_NODELAY on and no timeout set
     * @throws NullPointerException if {@code addr} is null
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws java.net.ConnectException if the connection is refused or the OS gives up on it
     * @throws IOException for other failures ({@link java.net.NoRouteToHostException}, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static GreenSocket connect(InetSocketAddress addr) throws IOException {
        return connect(addr, null);
    }

    /**
     * Connects to {@code addr}, waiting at most {@code timeout} for the connection
     * (resolving an unresolved address comes first and is not counted). On any
     * failure the new socket is closed.
     *
     * @param addr the peer; an unresolved one is resolved first (from a green thread on
     *             a {@code Tpool} thread)
     * @param timeout null, or 2^62 ns (about 146 years) or more: only the OS's limit;
     *                zero or negative: a connect that does not complete at once times out.
     *                It is not kept as the socket's timeout
     * @return the connected socket, with TCP_NODELAY on and no timeout set
     * @throws NullPointerException if {@code addr} is null
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws SocketTimeoutException if {@code timeout} passes first
     * @throws java.net.ConnectException if the connection is refused or the OS gives up on it
     * @throws IOException for other failures ({@link java.net.NoRouteToHostException}, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static GreenSocket connect(InetSocketAddress addr, Duration timeout) throws IOException {
        InetSocketAddress to = resolved(addr);
        ConnectingIo io = SocketIo.stream(SocketIo.isIpv6(to));
        GreenSocket s = connection(io);
        try {
            if (!io.startConnect(to)) {
                s.await(Poller.WRITE, Parking.deadline(timeout), "connect to " + to);
                io.finishConnect(to);
            }
            return s;
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    static InetSocketAddress resolved(InetSocketAddress a) throws UnknownHostException {
        Objects.requireNonNull(a, "address");
        if (!a.isUnresolved()) {
            return a;
        }
        return new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort());
    }

    /**
     * Reads into {@code dst} what has arrived, waiting until at least one byte has (or
     * the end of stream); {@code dst}'s position advances by the count.
     *
     * @param dst the buffer to fill from its position
     * @return the bytes read, -1 at end of stream, 0 only when {@code dst} has no room
     *         (then without waiting)
     * @throws NullPointerException if {@code dst} is null
     * @throws IllegalArgumentException if {@code dst} is read-only, thrown before anything
     *         is taken off the socket
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed ("Socket closed"),
     *         or the connection is reset
     * @throws IllegalStateException if another thread is already waiting to read this socket
     * @throws IOException for other failures (a TLS socket: {@link javax.net.ssl.SSLException})
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public int recv(ByteBuffer dst) throws IOException {
        writable(dst);
        ensureOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        return retry(Poller.READ, Parking.deadline(timeout), "Read", () -> {
            int n = io.read(dst);
            return n == 0 ? null : n;
        });
    }

    /**
     * Reads into {@code b[off..off+len)}, as {@link #recv(ByteBuffer)}.
     *
     * @param b the array
     * @param off where the bytes go
     * @param len the most bytes to read
     * @return the bytes read, -1 at end of stream, 0 when {@code len} is 0
     * @throws NullPointerException if {@code b} is null
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code b}
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed, or the connection is reset
     * @throws IllegalStateException if another thread is already waiting to read this socket
     * @throws IOException for other failures
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public int recv(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return recv(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Reads at most {@code max} bytes, as {@link #recv(ByteBuffer)}.
     *
     * @param max the most bytes to read
     * @return the bytes read; an empty array at end of stream (and when {@code max} is 0)
     * @throws IllegalArgumentException if {@code max} is negative
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed, or the connection is reset
     * @throws IllegalStateException if another thread is already waiting to read this socket
     * @throws IOException for other failures
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public byte[] recv(int max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("max < 0: " + max);
        }
        byte[] b = new byte[max];
        int n = recv(b, 0, max);
        return n <= 0 ? new byte[0] : n == max ? b : Arrays.copyOf(b, n);
    }

    /**
     * Writes some of {@code src}, waiting until at least one byte can be written;
     * {@code src}'s position advances by the count.
     *
     * @param src the bytes to write, from its position to its limit
     * @return the bytes written; 0 only when {@code src} has none (then without waiting)
     * @throws NullPointerException if {@code src} is null
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed, or the connection
     *         is broken (reset, broken pipe)
     * @throws IllegalStateException if another thread is already waiting to write this socket
     * @throws IOException for other failures
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public int send(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        if (!src.hasRemaining()) {
            return 0;
        }
        return send(src, Parking.deadline(timeout));
    }

    /** Writes some of {@code src}, waiting until at least one byte can be written, by {@code deadline}. */
    private int send(ByteBuffer src, long deadline) throws IOException {
        return retry(Poller.WRITE, deadline, "Write", () -> {
            int n = io.write(src);
            return n == 0 ? null : n;
        });
    }

    /**
     * Writes every byte of {@code src}, however the kernel splits the writes, waiting
     * as often as needed; the socket's timeout bounds the whole call. When it throws,
     * {@code src}'s position tells how much was written.
     *
     * @param src the bytes to write, from its position to its limit
     * @throws NullPointerException if {@code src} is null
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed, or the connection is broken
     * @throws IllegalStateException if another thread is already waiting to write this socket
     * @throws IOException for other failures
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void sendAll(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        long deadline = Parking.deadline(timeout);
        while (src.hasRemaining()) {
            send(src, deadline);
        }
    }

    /**
     * Writes every byte of {@code b}, as {@link #sendAll(ByteBuffer)}.
     *
     * @param b the bytes
     * @throws NullPointerException if {@code b} is null
     * @throws SocketTimeoutException if the socket's timeout passes first
     * @throws java.net.SocketException if the socket is or gets closed, or the connection is broken
     * @throws IllegalStateException if another thread is already waiting to write this socket
     * @throws IOException for other failures
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void sendAll(byte[] b) throws IOException {
        sendAll(ByteBuffer.wrap(b));
    }

    /**
     * Ends the output direction (the peer reads end of stream); reading goes on. Never
     * blocks, except on a TLS socket, which first sends close_notify, waiting (with the
     * socket's timeout) until the socket takes it.
     *
     * @throws java.net.SocketException if the socket is closed
     * @throws SocketTimeoutException if a TLS socket's timeout passes first
     * @throws IOException if the system refuses (the socket is not connected, ...)
     */
    public void shutdownOutput() throws IOException {
        ensureOpen();
        retry(Poller.WRITE, Parking.deadline(timeout), "shutdownOutput", () -> io.shutdownOutput() ? Boolean.TRUE : null);
    }

    /**
     * The address of the peer. Never blocks.
     *
     * @return the peer's address and port; on the nio hub null if the socket is not connected
     * @throws java.net.SocketException if this socket is closed; on the native hubs also
     *         when the system reports no peer (not connected, reset)
     * @throws IOException if the system cannot report the address
     */
    public InetSocketAddress remoteAddress() throws IOException {
        ensureOpen();
        return io.remoteAddress();
    }

    /**
     * Sets a socket option. The native hubs support SO_REUSEADDR, SO_REUSEPORT,
     * TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_LINGER and SO_BROADCAST; the
     * nio hub what {@link java.nio.channels.SocketChannel} supports. Never blocks.
     *
     * @param <T> the option's value type
     * @param option the option
     * @param value its value (SO_LINGER: seconds, negative for off)
     * @return this socket
     * @throws NullPointerException if {@code option} is null, or (native hubs) {@code value} is
     * @throws UnsupportedOperationException if the option is not supported
     * @throws IllegalArgumentException if {@code value} is not valid for the option (nio hub)
     * @throws java.net.SocketException if the socket is closed
     * @throws IOException if the system refuses the value
     */
    public <T> GreenSocket setOption(SocketOption<T> option, T value) throws IOException {
        ensureOpen();
        io.setOption(option, value);
        return this;
    }

    /**
     * The value of a socket option; the options are those of {@link #setOption}. Never blocks.
     *
     * @param <T> the option's value type
     * @param option the option
     * @return its value (SO_LINGER: seconds, negative when off)
     * @throws NullPointerException if {@code option} is null
     * @throws UnsupportedOperationException if the option is not supported
     * @throws java.net.SocketException if the socket is closed
     * @throws IOException if the system cannot report it
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        ensureOpen();
        return io.getOption(option);
    }

    /**
     * A stream view for code that wants java.io; closing it closes the socket. Its
     * reads are {@link #recv(byte[], int, int)} (a read of 0 bytes returns 0 at once),
     * with the same waiting, timeout and exceptions.
     *
     * @return the same stream on every call
     */
    public synchronized InputStream inputStream() {
        if (in == null) {
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : recv(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    GreenSocket.this.close();
                }
            };
        }
        return in;
    }

    /**
     * A stream view for code that wants java.io; closing it closes the socket. Its
     * writes are {@link #sendAll(ByteBuffer)}, with the same waiting, timeout and
     * exceptions; {@code flush} does nothing (nothing is buffered).
     *
     * @return the same stream on every call
     */
    public synchronized OutputStream outputStream() {
        if (out == null) {
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    sendAll(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    Objects.checkFromIndexSize(off, len, b.length);
                    sendAll(ByteBuffer.wrap(b, off, len));
                }

                @Override
                public void close() throws IOException {
                    GreenSocket.this.close();
                }
            };
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            return "GreenSocket[" + (isOpen() ? io.localAddress() + " -> " + io.remoteAddress() : "closed") + "]";
        } catch (IOException e) {
            return "GreenSocket[" + e.getMessage() + "]";
        }
    }
}
