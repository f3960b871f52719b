package org.greenhub.green;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A drop-in {@link java.net.ServerSocket} that runs on the green hub: in a green
 * thread, {@link #accept()} yields to the other green threads until a connection
 * arrives, and returns a green {@link Socket}.
 */
public class ServerSocket extends java.net.ServerSocket {
    /** An unbound server socket; {@code bind(...)} it. */
    public ServerSocket() throws IOException {
        super(new GreenSocketImpl());
    }

    /** Bound to {@code port} on every address (0: any free port), backlog 50. */
    public ServerSocket(int port) throws IOException {
        this(port, 50, null);
    }

    /** Bound to {@code port} on every address with {@code backlog}. */
    public ServerSocket(int port, int backlog) throws IOException {
        this(port, backlog, null);
    }

    /** Bound to {@code bindAddr:port} (null: every address) with {@code backlog}. */
    @SuppressWarnings("this-escape") // binds in the constructor, as java.net.ServerSocket's own constructors do
    public ServerSocket(int port, int backlog, InetAddress bindAddr) throws IOException {
        this();
        try {
            bind(new InetSocketAddress(bindAddr, port), backlog);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Waits for a connection (yielding in a green thread) and returns it as a green Socket. */
    @Override
    public java.net.Socket accept() throws IOException {
        if (isClosed()) {
            throw new java.net.SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new java.net.SocketException("Socket is not bound yet");
        }
        Socket s = new Socket();
        implAccept(s);
        return s;
    }
}
