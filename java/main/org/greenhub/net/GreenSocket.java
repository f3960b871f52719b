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
 * block only that thread. One reader and one writer may wait at a time; a socket
 * closed while another thread waits on it wakes that thread with an IOException.
 */
public final class GreenSocket extends SocketBase {
    private InputStream in;
    private OutputStream out;

    GreenSocket(SocketIo io) {
        super(io);
    }

    /**
     * A new TCP connection (connected or accepted). It starts with TCP_NODELAY on, as
     * Go's and Netty's connections do: a request/response server must not hold a small
     * reply back for Nagle's algorithm. {@code setOption(TCP_NODELAY, false)} turns
     * Nagle back on. Best effort: an error here shows up again on the first real call.
     */
    static GreenSocket connection(SocketIo io) {
        try {
            io.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException ignored) {
            // the connection's next call reports what is wrong with it
        }
        return new GreenSocket(io);
    }

    /** The io underneath (GreenTls layers TLS over it). */
    SocketIo io() {
        return io;
    }

    /** Connects to {@code addr} (eventlet.connect), waiting as long as the OS allows. */
    public static GreenSocket connect(InetSocketAddress addr) throws IOException {
        return connect(addr, null);
    }

    /** Connects to {@code addr}; a {@link SocketTimeoutException} after {@code timeout} (null: none). */
    public static GreenSocket connect(InetSocketAddress addr, Duration timeout) throws IOException {
        InetSocketAddress to = resolved(addr);
        GreenSocket s = connection(SocketIo.open(SocketIo.Kind.STREAM, NativeIo.isIpv6(to)));
        try {
            if (!s.io.startConnect(to)) {
                s.await(Poller.WRITE, Parking.deadline(timeout), "connect to " + to);
                s.io.finishConnect(to);
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
     * Reads into {@code dst}; bytes read, -1 at end of stream (0 only when dst is full).
     * A read-only {@code dst} is an IllegalArgumentException, thrown before anything
     * is taken off the socket.
     */
    public int recv(ByteBuffer dst) throws IOException {
        writable(dst);
        ensureOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        long deadline = Parking.deadline(timeout);
        while (true) {
            int n = io.read(dst);
            if (n != 0) {
                return n;
            }
            await(Poller.READ, deadline, "Read");
        }
    }

    /** Reads into {@code b[off..off+len)}; bytes read, -1 at end of stream. */
    public int recv(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return recv(ByteBuffer.wrap(b, off, len));
    }

    /** Reads at most {@code max} bytes; an empty array at end of stream. */
    public byte[] recv(int max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("max < 0: " + max);
        }
        byte[] b = new byte[max];
        int n = recv(b, 0, max);
        return n <= 0 ? new byte[0] : n == max ? b : Arrays.copyOf(b, n);
    }

    /** Writes some of {@code src}, waiting until at least one byte can be written; bytes written. */
    public int send(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        if (!src.hasRemaining()) {
            return 0;
        }
        long deadline = Parking.deadline(timeout);
        while (true) {
            int n = io.write(src);
            if (n > 0) {
                return n;
            }
            await(Poller.WRITE, deadline, "Write");
        }
    }

    /** Writes every byte of {@code src}, however the kernel splits the writes. */
    public void sendAll(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        long deadline = Parking.deadline(timeout);
        while (src.hasRemaining()) {
            if (io.write(src) == 0) {
                await(Poller.WRITE, deadline, "Write");
            }
        }
    }

    /** Writes every byte of {@code b}. */
    public void sendAll(byte[] b) throws IOException {
        sendAll(ByteBuffer.wrap(b));
    }

    /** Ends the output direction (the peer reads end of stream). */
    public void shutdownOutput() throws IOException {
        ensureOpen();
        io.shutdownOutput();
    }

    public InetSocketAddress remoteAddress() throws IOException {
        ensureOpen();
        return io.remoteAddress();
    }

    /** Sets a socket option (TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_LINGER, ...). */
    public <T> GreenSocket setOption(SocketOption<T> option, T value) throws IOException {
        ensureOpen();
        io.setOption(option, value);
        return this;
    }

    public <T> T getOption(SocketOption<T> option) throws IOException {
        ensureOpen();
        return io.getOption(option);
    }

    /** A stream view for code that wants java.io; closing it closes the socket. */
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

    /** A stream view for code that wants java.io; closing it closes the socket. */
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
