package org.greenhub.green;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A drop-in {@link java.net.Socket} that runs on the green hub: in a green thread a
 * read that would block yields to the other green threads. Stream sockets only.
 */
public class Socket extends java.net.Socket {
    /** An unconnected socket; {@code connect(...)} it. */
    public Socket() throws SocketException {
        super(new GreenSocketImpl());
    }

    /** Connects to {@code host:port}. */
    @SuppressWarnings("this-escape") // connects in the constructor, as java.net.Socket's own constructors do
    public Socket(String host, int port) throws IOException {
        this();
        connectOrClose(new InetSocketAddress(host, port));
    }

    /** Connects to {@code address:port}. */
    @SuppressWarnings("this-escape") // connects in the constructor, as java.net.Socket's own constructors do
    public Socket(InetAddress address, int port) throws IOException {
        this();
        connectOrClose(new InetSocketAddress(address, port));
    }

    /** Internal: the SocketImpl of green java.net sockets (the factory {@code Green.patch()} installs). */
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
