package org.greenhub.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * A socket factory of greenhub's java.net drop-in sockets ({@code org.greenhub.green.Socket}),
 * what every java.net socket is after {@code Green.patch()}: for a JDBC driver that takes
 * a factory (pgjdbc's {@code socketFactory} property), without patching the whole JVM.
 */
public final class GreenSocketFactory extends SocketFactory {
    /** For pgjdbc, which instantiates the factory by its class name. */
    public GreenSocketFactory() {
    }

    @Override
    public Socket createSocket() throws IOException {
        return new org.greenhub.green.Socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new org.greenhub.green.Socket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("greenhub sockets do not bind before connect");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new org.greenhub.green.Socket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("greenhub sockets do not bind before connect");
    }
}
