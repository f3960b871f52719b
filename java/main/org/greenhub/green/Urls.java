package org.greenhub.green;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.greenhub.net.GreenSocket;
import org.greenhub.net.GreenTls;

/**
 * The green URL reader (eventlet's urllib2.urlopen): HTTP/1.1 GET over green
 * sockets, so a thousand fetches in a thousand green threads run at once.
 *
 * <ul>
 *   <li>http and https (over GreenTls, trusting the JDK's default trust store); persistent
 *       connections pooled per scheme, host and port (at most {@value #IDLE_PER_HOST} idle each);</li>
 *   <li>Content-Length, chunked and close-delimited bodies;</li>
 *   <li>up to {@value #MAX_REDIRECTS} redirects (301, 302, 303, 307, 308);</li>
 *   <li>a timeout of 30 s on each connect, TLS handshake, read and write
 *       ({@code -Dgreenhub.urls.timeout=PT5S}, read once); the host name lookup is
 *       not bounded by it;</li>
 *   <li>a status of 400 or more is an IOException naming it; bad URLs, refused
 *       connections, malformed responses and oversized headers are IOExceptions
 *       with clear messages, never a hang or an unchecked exception.</li>
 * </ul>
 *
 * <p>A green thread parks while it waits, and its hub runs the others; a plain thread
 * blocks only itself. Usable from any thread.
 */
public final class Urls {
    static final int MAX_REDIRECTS = 5;
    static final int IDLE_PER_HOST = 8;
    private static final Duration TIMEOUT =
            Duration.parse(System.getProperty("greenhub.urls.timeout", "PT30S"));
    private static final Map<String, ArrayDeque<HttpConnection>> IDLE = new ConcurrentHashMap<>();

    private Urls() {
    }

    /**
     * Reads the whole body of {@code uri}, as {@link #open(URI)} and reading the stream to its end.
     *
     * @param uri an http or https URI
     * @return the body
     * @throws java.net.MalformedURLException if {@code uri} is null, not http or https, or has no host
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws java.net.SocketTimeoutException if a connect, handshake, read or write outlasts the timeout
     * @throws IOException for a status of 400 or more, too many redirects, a refused
     *         connection, a malformed response, a TLS failure, ...
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static byte[] read(URI uri) throws IOException {
        try (InputStream in = open(uri)) {
            return in.readAllBytes();
        }
    }

    /**
     * Opens {@code uri} for reading: sends the GET, follows redirects and returns once
     * the response head is in. Reading the stream waits as {@code recv} does, with the
     * same timeout and exceptions; at its end the connection goes back to the pool.
     * Closing the stream before its end drops the connection.
     *
     * @param uri an http or https URI
     * @return the body
     * @throws java.net.MalformedURLException if {@code uri} is null, not http or https, or has no host
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws java.net.SocketTimeoutException if a connect, handshake, read or write outlasts the timeout
     * @throws IOException for a status of 400 or more, too many redirects, a refused
     *         connection, a malformed response, a TLS failure, ...
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static InputStream open(URI uri) throws IOException {
        URI current = uri;
        for (int redirects = 0; ; redirects++) {
            Target t = Target.of(current);
            HttpConnection conn = null;
            HttpConnection.Head head = null;
            for (int attempt = 0; head == null; attempt++) {
                boolean reused;
                conn = takeIdle(t.key());
                reused = conn != null;
                if (conn == null) {
                    conn = connect(t);
                }
                try {
                    conn.sendGet(t.target(), t.hostHeader());
                    head = conn.readHead(t.key());
                } catch (IOException e) {
                    conn.close();
                    // A pooled connection the server already closed: try once more on a new one.
                    if (!reused || attempt > 0 || !(e instanceof EOFException || e instanceof java.net.SocketException)) {
                        throw e;
                    }
                }
            }
            HttpConnection c = conn;
            InputStream body = c.body(head, "GET", () -> release(c));
            int status = head.status();
            String location = head.header("location");
            if (isRedirect(status) && location != null) {
                body.transferTo(OutputStreamSink.INSTANCE);
                body.close();
                if (redirects == MAX_REDIRECTS) {
                    throw new IOException("too many redirects (more than " + MAX_REDIRECTS + ") from " + uri);
                }
                try {
                    current = current.resolve(new URI(location.trim()));
                } catch (URISyntaxException e) {
                    throw new IOException("bad redirect Location '" + location + "' from " + current, e);
                }
                continue;
            }
            if (status >= 400) {
                body.close();
                throw new IOException("HTTP " + status + (head.reason().isEmpty() ? "" : " " + head.reason()) + ": " + current);
            }
            return body;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static HttpConnection connect(Target t) throws IOException {
        SSLContext ctx = t.https() ? sslContext() : null;
        GreenSocket s = GreenSocket.connect(InetSocketAddress.createUnresolved(t.host(), t.port()), TIMEOUT);
        if (ctx != null) {
            s.setTimeout(TIMEOUT);
            s = GreenTls.client(s, ctx, t.host()); // closes the socket if the handshake fails
        }
        return new HttpConnection(t.key(), s, TIMEOUT);
    }

    /** The JVM's default TLS context ({@code SSLContext.setDefault} changes it). */
    private static SSLContext sslContext() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context for https: " + e.getMessage(), e);
        }
    }

    private static HttpConnection takeIdle(String key) {
        ArrayDeque<HttpConnection> q = IDLE.get(key);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            return q.pollLast();
        }
    }

    private static void release(HttpConnection c) {
        if (!c.reusable || !c.socket().isOpen()) {
            c.close();
            return;
        }
        ArrayDeque<HttpConnection> q = IDLE.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        HttpConnection evicted = null;
        synchronized (q) {
            q.addLast(c);
            if (q.size() > IDLE_PER_HOST) {
                evicted = q.pollFirst();
            }
        }
        if (evicted != null) {
            evicted.close();
        }
    }

    /** Closes every pooled idle connection. Never blocks (TLS connections send close_notify only if the socket takes it at once). */
    public static void closeIdleConnections() {
        for (ArrayDeque<HttpConnection> q : IDLE.values()) {
            synchronized (q) {
                for (HttpConnection c; (c = q.poll()) != null; ) {
                    c.close();
                }
            }
        }
    }

    /** The parts of a URI a request needs. */
    record Target(boolean https, String host, int port, String target) {
        static Target of(URI uri) throws IOException {
            if (uri == null) {
                throw new MalformedURLException("null URI");
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new MalformedURLException("unsupported URL scheme '" + scheme + "' in " + uri + " (http and https only)");
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty()) {
                throw new MalformedURLException("no host in URL " + uri);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            boolean https = scheme.equals("https");
            int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            return new Target(https, host, port, target);
        }

        String key() {
            return (https ? "https://" : "http://") + host + ":" + port;
        }

        String hostHeader() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return port == (https ? 443 : 80) ? h : h + ":" + port;
        }
    }

    /** Discards what is written. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
