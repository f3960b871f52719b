package org.greenhub.green;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A drop-in {@link java.net.Socket} that runs on the green hub: in a green thread a
 * call that would block (connect, read, write) parks it and its hub runs the other
 * green threads; a plain thread blocks only itself. Stream sockets only.
 *
 * <p>How green java.net sockets (these, and every java.net socket after
 * {@code Green.patch()}) differ from the JDK's: {@code setSoTimeout} bounds writes as
 * well as reads and accept; binding a client socket before {@code connect} is not
 * supported (SocketException); {@code available()} is always 0; urgent data is not
 * supported; the options are SO_TIMEOUT, TCP_NODELAY (off by default, as in the JDK),
 * SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_LINGER and SO_REUSEADDR (always on for
 * listeners); others throw a SocketException. A green thread killed while it waits
 * in connect or accept gets {@code GreenThreadExit}, one whose {@code Timeout} fires
 * gets {@code TimeoutExpired}, and a thread interrupted while it waits gets a
 * {@code GreenException} whose cause is an InterruptedException. A read or write of
 * the streams that a kill or Timeout ends is treated as the JDK treats one whose
 * virtual thread is interrupted: the socket is closed and the call throws a
 * {@code SocketException} ("Closed by ...") whose cause is the kill's or Timeout's
 * exception, so that the code in between (a JDBC driver in the middle of its
 * protocol) sees an I/O failure and a pool drops the connection. That exception
 * still reaches the thread: it is thrown at its next greenhub blocking point,
 * {@code GreenThread.await} of a killed thread throws the kill's exception, and a
 * Timeout's reaches its block as described in {@code Timeout}.
 */
public class Socket extends java.net.Socket {
    /**
     * Creates an unconnected socket; {@code connect(...)} it.
     *
     * @throws SocketException never in practice (declared by {@link java.net.Socket}'s constructor)
     */
    public Socket() throws SocketException {
        super(new GreenSocketImpl());
    }

    /**
     * Creates a socket connected to {@code host:port}, waiting as long as the OS lets
     * the connect take; on failure the socket is closed.
     *
     * @param host a host name or address literal, resolved first (from a green thread on
     *             a {@code Tpool} thread)
     * @param port the port, 0 to 65535
     * @throws IllegalArgumentException if {@code host} is null or {@code port} is out of range
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws java.net.ConnectException if the connection is refused or the OS gives up on it
     * @throws IOException for other failures
     */
    @SuppressWarnings("this-escape") // connects in the constructor, as java.net.Socket's own constructors do
    public Socket(String host, int port) throws IOException {
        this();
        connectOrClose(new InetSocketAddress(host, port));
    }

    /**
     * Creates a socket connected to {@code address:port}, waiting as long as the OS
     * lets the connect take; on failure the socket is closed.
     *
     * @param address the address; null is the wildcard address (which the OS takes for this host)
     * @param port the port, 0 to 65535
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws java.net.ConnectException if the connection is refused or the OS gives up on it
     * @throws IOException for other failures
     */
    @SuppressWarnings("this-escape") // connects in the constructor, as java.net.Socket's own constructors do
    public Socket(InetAddress address, int port) throws IOException {
        this();
        connectOrClose(new InetSocketAddress(address, port));
    }

    /**
     * Internal: the SocketImpl of green java.net sockets (the factory {@code Green.patch()} installs).
     *
     * @return a new, unconnected green SocketImpl
     */
    public static java.net.SocketImpl newImpl() {
        return new GreenSocketImpl();
    }

    private void connectOrClose(InetSocketAddress to) throws IOException {
        try {
            connect(to);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }
}
