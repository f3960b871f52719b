package org.greenhub.green;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A drop-in {@link java.net.ServerSocket} that runs on the green hub: in a green
 * thread, {@link #accept()} yields to the other green threads until a connection
 * arrives, and returns a green {@link Socket}; a plain thread blocks only itself.
 * See {@link Socket} for how green java.net sockets differ from the JDK's.
 */
public class ServerSocket extends java.net.ServerSocket {
    /**
     * Creates an unbound server socket; {@code bind(...)} it.
     *
     * @throws IOException never in practice (declared by {@link java.net.ServerSocket}'s constructor)
     */
    public ServerSocket() throws IOException {
        super(new GreenSocketImpl());
    }

    /**
     * Creates a server socket bound to {@code port} on every address, backlog 50.
     *
     * @param port the port, 0 to 65535 (0: any free port)
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws java.net.BindException if the port is in use
     * @throws IOException if the socket cannot be bound or put to listen
     */
    public ServerSocket(int port) throws IOException {
        this(port, 50, null);
    }

    /**
     * Creates a server socket bound to {@code port} on every address.
     *
     * @param port the port, 0 to 65535 (0: any free port)
     * @param backlog the length of the queue of pending connections; less than 1: 50
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws java.net.BindException if the port is in use
     * @throws IOException if the socket cannot be bound or put to listen
     */
    public ServerSocket(int port, int backlog) throws IOException {
        this(port, backlog, null);
    }

    /**
     * Creates a server socket bound to {@code bindAddr:port}; on failure it is closed.
     *
     * @param port the port, 0 to 65535 (0: any free port)
     * @param backlog the length of the queue of pending connections; less than 1: 50
     * @param bindAddr the local address; null: every address
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be bound or put to listen
     */
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

    /**
     * Waits for a connection (parking a green thread, its hub running the others) and
     * returns it as a green Socket.
     *
     * @return the connection, with TCP_NODELAY off and no SO_TIMEOUT (this socket's is not inherited)
     * @throws java.net.SocketException if this socket is or gets closed, or is not bound
     * @throws java.net.SocketTimeoutException if this socket's SO_TIMEOUT passes first
     * @throws IllegalStateException if another thread is already waiting in accept on this socket
     * @throws IOException for other failures (too many open files, ...)
     */
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
