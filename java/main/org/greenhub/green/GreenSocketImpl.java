package org.greenhub.green;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.greenhub.internal.hub.Strand;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;

/**
 * A java.net SocketImpl over green sockets: what {@link Socket}, {@link ServerSocket}
 * and, after {@code Green.patch()}, every java.net socket of the JVM run on. Stream
 * sockets only. Options set before the socket exists are applied once it does.
 */
final class GreenSocketImpl extends SocketImpl {
    private static final int DEFAULT_BACKLOG = 50;

    private GreenSocket socket;             // connected or accepted
    private GreenServerSocket listener;     // after bind + listen
    private InetSocketAddress bindAddress;  // between bind and listen
    private int timeoutMillis;              // SO_TIMEOUT: reads and accept
    private InputStream in;                 // guarded by this: the streams, made once
    private OutputStream out;
    private final Map<SocketOption<Object>, Object> pendingOptions = new LinkedHashMap<>();

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("greenhub's java.net sockets are stream sockets; use GreenDatagramSocket");
        }
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        if (!(address instanceof InetSocketAddress to)) {
            throw new IllegalArgumentException("unsupported address type: " + address);
        }
        if (to.isUnresolved()) {
            throw new UnknownHostException(to.getHostName());
        }
        if (bindAddress != null) {
            throw new SocketException("binding a client socket before connect is not supported by greenhub sockets");
        }
        attach(GreenSocket.connect(to, timeout > 0 ? Duration.ofMillis(timeout) : null));
    }

    private void attach(GreenSocket s) throws IOException {
        socket = s;
        InetSocketAddress remote = s.remoteAddress();
        address = remote.getAddress();
        port = remote.getPort();
        localport = s.localAddress().getPort();
        s.setTimeout(timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : null);
        if (!pendingOptions.containsKey(StandardSocketOptions.TCP_NODELAY)) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, false); // java.net.Socket's default: Nagle on
        }
        for (var e : pendingOptions.entrySet()) {
            s.setOption(e.getKey(), e.getValue());
        }
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        bindAddress = new InetSocketAddress(host, port);
        localport = port;
    }

    @Override
    protected void listen(int backlog) throws IOException {
        if (bindAddress == null) {
            throw new SocketException("listen before bind");
        }
        listener = GreenServerSocket.bind(bindAddress, backlog < 1 ? DEFAULT_BACKLOG : backlog);
        localport = listener.localAddress().getPort();
        listener.setTimeout(timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : null);
    }

    @Override
    protected void accept(SocketImpl into) throws IOException {
        if (listener == null) {
            throw new SocketException("not listening");
        }
        if (!(into instanceof GreenSocketImpl target)) {
            throw new SocketException("a green server socket accepts into green sockets only, not " + into.getClass());
        }
        GreenSocket s = listener.accept();
        try {
            target.attach(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private GreenSocket connected() throws SocketException {
        if (socket == null) {
            throw new SocketException("Socket is not connected");
        }
        return socket;
    }

    @Override
    protected synchronized InputStream getInputStream() throws IOException {
        GreenSocket s = connected();
        if (in == null) {
            InputStream raw = s.inputStream();
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    try {
                        return raw.read();
                    } catch (RuntimeException | Error e) {
                        throw aborted(s, e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return raw.read(b, off, len);
                    } catch (RuntimeException | Error e) {
                        throw aborted(s, e);
                    }
                }

                @Override
                public void close() throws IOException {
                    raw.close();
                }
            };
        }
        return in;
    }

    @Override
    protected synchronized OutputStream getOutputStream() throws IOException {
        GreenSocket s = connected();
        if (out == null) {
            OutputStream raw = s.outputStream();
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    try {
                        raw.write(b);
                    } catch (RuntimeException | Error e) {
                        throw aborted(s, e);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        raw.write(b, off, len);
                    } catch (RuntimeException | Error e) {
                        throw aborted(s, e);
                    }
                }

                @Override
                public void close() throws IOException {
                    raw.close();
                }
            };
        }
        return out;
    }

    /**
     * A read or write that a kill or Timeout ended halfway: as the JDK does for a socket
     * whose virtual thread is interrupted, closes the socket and throws a SocketException
     * (its cause: the kill's or Timeout's exception), so that the code in between (a
     * driver in the middle of its protocol) sees an I/O failure and never reuses the
     * connection. The exception stays pending for the thread ({@code Strand.rependIfDelivered}).
     * Any other exception is thrown as it is.
     */
    private static SocketException aborted(GreenSocket s, Throwable e) {
        if (!Strand.current().rependIfDelivered(e)) {
            if (e instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) e; // only RuntimeExceptions and Errors are caught
        }
        try {
            s.close();
        } catch (IOException | RuntimeException ignored) {
            // closing is all that is left to do
        }
        SocketException x = new SocketException("Closed by " + e);
        x.initCause(e);
        return x;
    }

    @Override
    protected int available() {
        return 0;
    }

    @Override
    protected void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    protected void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported by greenhub sockets");
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        switch (optID) {
            case SO_TIMEOUT -> {
                timeoutMillis = (Integer) value;
                Duration d = timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : null;
                if (socket != null) {
                    socket.setTimeout(d);
                }
                if (listener != null) {
                    listener.setTimeout(d);
                }
            }
            case TCP_NODELAY -> option(StandardSocketOptions.TCP_NODELAY, value);
            case SO_KEEPALIVE -> option(StandardSocketOptions.SO_KEEPALIVE, value);
            case SO_RCVBUF -> option(StandardSocketOptions.SO_RCVBUF, value);
            case SO_SNDBUF -> option(StandardSocketOptions.SO_SNDBUF, value);
            case SO_REUSEADDR -> {
                // listeners always set SO_REUSEADDR (as eventlet.listen does)
            }
            case SO_LINGER -> option(StandardSocketOptions.SO_LINGER, value instanceof Boolean ? -1 : value);
            default -> throw new SocketException("socket option " + optID + " is not supported by greenhub sockets");
        }
    }

    @SuppressWarnings("unchecked")
    private void option(SocketOption<?> name, Object value) throws SocketException {
        SocketOption<Object> o = (SocketOption<Object>) name;
        if (socket == null) {
            pendingOptions.put(o, value);
            return;
        }
        try {
            socket.setOption(o, value);
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        try {
            return switch (optID) {
                case SO_TIMEOUT -> timeoutMillis;
                case SO_BINDADDR -> socket != null ? socket.localAddress().getAddress()
                        : listener != null ? listener.localAddress().getAddress()
                        : bindAddress != null ? bindAddress.getAddress() : null;
                case TCP_NODELAY -> get(StandardSocketOptions.TCP_NODELAY, false);
                case SO_KEEPALIVE -> get(StandardSocketOptions.SO_KEEPALIVE, false);
                case SO_RCVBUF -> get(StandardSocketOptions.SO_RCVBUF, 0);
                case SO_SNDBUF -> get(StandardSocketOptions.SO_SNDBUF, 0);
                case SO_REUSEADDR -> true;
                case SO_LINGER -> {
                    int l = get(StandardSocketOptions.SO_LINGER, -1);
                    yield l < 0 ? Boolean.FALSE : (Object) l;
                }
                default -> throw new SocketException("socket option " + optID + " is not supported by greenhub sockets");
            };
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    private <T> T get(SocketOption<T> o, T unset) throws IOException {
        if (socket != null) {
            return socket.getOption(o);
        }
        @SuppressWarnings("unchecked")
        T pending = (T) pendingOptions.get(o);
        return pending != null ? pending : unset;
    }

    /** SocketOptions ids used above, for readers: the int-based options API of SocketImpl. */
    static final int[] SUPPORTED = {SocketOptions.SO_TIMEOUT, SocketOptions.TCP_NODELAY, SocketOptions.SO_KEEPALIVE,
        SocketOptions.SO_RCVBUF, SocketOptions.SO_SNDBUF, SocketOptions.SO_REUSEADDR, SocketOptions.SO_LINGER};
}
