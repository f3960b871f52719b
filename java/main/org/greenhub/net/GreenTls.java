package org.greenhub.net;

import java.io.IOException;
import java.net.SocketException;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.greenhub.internal.hub.Parking;

/**
 * TLS over green sockets (eventlet.wrap_ssl): the result is a {@link GreenSocket} with
 * the same blocking-looks, parks-the-green-thread behaviour, timeouts and streams.
 *
 * <p>Both calls take over {@code s}: the returned socket shares its connection, and
 * {@code s} must not be used for anything but closing afterwards (reading or writing
 * it would bypass TLS). Close the returned socket: that sends close_notify and closes
 * {@code s}. Closing {@code s} as well, before or after, is harmless, so a
 * {@code Green.serve} handler may wrap the socket it is given. The handshake runs
 * before the call returns, with {@code s}'s timeout (a green caller parks meanwhile,
 * a plain one blocks); if it fails or is interrupted (a kill, a Timeout) the socket
 * is closed and the error ({@link javax.net.ssl.SSLHandshakeException},
 * {@link java.net.SocketTimeoutException}, ...) is thrown. The returned socket starts
 * with {@code s}'s timeout. TLS renegotiation (TLS 1.2) is not supported: a write
 * that meets one throws an {@link javax.net.ssl.SSLException}.
 *
 * <p>End of stream: the peer's close_notify, or a plain TCP close without one (HTTP
 * servers do that at the end of close-delimited bodies), reads as -1.
 * {@code shutdownOutput} sends close_notify; {@code close} sends it if the socket takes
 * it at once, without waiting for the peer's.
 */
public final class GreenTls {
    private GreenTls() {
    }

    /**
     * The client side of a TLS connection to {@code host} (a DNS name, or an IP address
     * literal): sends it as SNI and checks the server's certificate against it
     * ("HTTPS" endpoint identification).
     *
     * @param s the connected socket to take over
     * @param ctx the TLS context (trust store, protocols)
     * @param host the server's name as the client knows it
     * @return the TLS socket, handshake done
     * @throws NullPointerException if an argument is null
     * @throws java.net.SocketException if {@code s} is closed
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails (certificate not
     *         trusted or not for {@code host}, the peer closed, ...)
     * @throws java.net.SocketTimeoutException if {@code s}'s timeout passes during the handshake
     * @throws IOException for other failures ({@link javax.net.ssl.SSLException}, a reset, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed during the handshake
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires during the handshake
     * @throws org.greenhub.GreenException if the calling thread is interrupted during the handshake
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static GreenSocket client(GreenSocket s, SSLContext ctx, String host) throws IOException {
        Objects.requireNonNull(host, "host");
        SSLEngine engine = ctx.createSSLEngine(host, s.remoteAddress().getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            try {
                p.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException notDnsName) {
                // Not a name SNI can carry (an underscore, say): the certificate check still uses it.
            }
        }
        engine.setSSLParameters(p);
        return start(s, engine);
    }

    /**
     * The server side of a TLS connection accepted as {@code s}; {@code ctx} holds the server's key.
     *
     * @param s the accepted socket to take over
     * @param ctx the TLS context with the server's key and certificate
     * @return the TLS socket, handshake done
     * @throws NullPointerException if an argument is null
     * @throws java.net.SocketException if {@code s} is closed
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails
     * @throws java.net.SocketTimeoutException if {@code s}'s timeout passes during the handshake
     * @throws IOException for other failures ({@link javax.net.ssl.SSLException}, a reset, ...)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed during the handshake
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires during the handshake
     * @throws org.greenhub.GreenException if the calling thread is interrupted during the handshake
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static GreenSocket server(GreenSocket s, SSLContext ctx) throws IOException {
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(false);
        return start(s, engine);
    }

    private static GreenSocket start(GreenSocket s, SSLEngine engine) throws IOException {
        if (!s.isOpen()) {
            throw new SocketException("Socket closed");
        }
        TlsIo io = new TlsIo(s, engine);
        GreenSocket tls = new GreenSocket(io);
        tls.setTimeout(s.timeout());
        try {
            long deadline = Parking.deadline(s.timeout());
            for (int interest; (interest = io.handshake()) != 0; ) {
                tls.await(interest, deadline, "TLS handshake");
            }
            return tls;
        } catch (Throwable t) {
            tls.close();
            throw t;
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
