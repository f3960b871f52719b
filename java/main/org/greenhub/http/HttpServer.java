package org.greenhub.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.greenhub.Green;
import org.greenhub.net.GreenServerSocket;

/**
 * An HTTP/1.1 and 1.0 server over green sockets (eventlet.wsgi): one green thread per
 * connection, keep-alive, pipelining (responses in order), chunked request and response
 * bodies, {@code Expect: 100-continue}, limits on everything a client controls, and an
 * access log. Parsing follows RFC 9112 strictly: ambiguous framing is answered 400 and
 * the connection closed, and nothing after a rejected request is ever handled.
 *
 * <pre>{@code
 * Green.run(() -> HttpServer.serve(Green.listen(new InetSocketAddress("127.0.0.1", 8080), 1024),
 *         (req, resp) -> resp.body().write("Hello, World!".getBytes())));
 * }</pre>
 */
public final class HttpServer {
    private HttpServer() {
    }

    /**
     * {@link #serve(GreenServerSocket, HttpHandler, Options)} with {@link Options#defaults()}.
     *
     * @param server the listening socket
     * @param handler the handler of every request
     * @throws NullPointerException if an argument is null
     * @throws IOException as {@link Green#serve(GreenServerSocket, org.greenhub.SocketHandler, int)}
     */
    public static void serve(GreenServerSocket server, HttpHandler handler) throws IOException {
        serve(server, handler, Options.defaults());
    }

    /**
     * Accepts connections and serves each in its own green thread, at most
     * {@code options.concurrency()} at once. Returns when the server socket is closed, or
     * when a handler throws {@link org.greenhub.StopServe}: then the accept loop ends,
     * requests in flight finish, idle connections are closed, and serve returns once every
     * connection has ended. Any other handler exception answers 500 (or aborts a response
     * already under way) and is logged; the server goes on.
     *
     * @param server the listening socket
     * @param handler the handler of every request
     * @param options limits, timeouts and the access log
     * @throws NullPointerException if an argument is null
     * @throws IOException as {@link Green#serve(GreenServerSocket, org.greenhub.SocketHandler, int)}
     */
    public static void serve(GreenServerSocket server, HttpHandler handler, Options options) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        Connections live = new Connections();
        try {
            Green.serve(server, socket -> new HttpConnection(socket, handler, options, live).serve(), options.concurrency);
        } finally {
            live.drain();
        }
    }

    /**
     * The server's limits, timeouts and access log. Immutable: each setter returns a new
     * Options.
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options(8 * 1024, 64 * 1024, 100, 64L << 20,
                Duration.ofSeconds(30), Duration.ofSeconds(10), 10_000, AccessLog.DEFAULT_SINK);

        final int maxRequestLine;
        final int maxHeaderBytes;
        final int maxHeaders;
        final long maxBody;
        final Duration idleTimeout;
        final Duration headerTimeout;
        final int concurrency;
        final Consumer<String> accessLog;

        private Options(int maxRequestLine, int maxHeaderBytes, int maxHeaders, long maxBody, Duration idleTimeout,
                        Duration headerTimeout, int concurrency, Consumer<String> accessLog) {
            this.maxRequestLine = maxRequestLine;
            this.maxHeaderBytes = maxHeaderBytes;
            this.maxHeaders = maxHeaders;
            this.maxBody = maxBody;
            this.idleTimeout = idleTimeout;
            this.headerTimeout = headerTimeout;
            this.concurrency = concurrency;
            this.accessLog = accessLog;
        }

        /**
         * The defaults: request line 8 KiB, header block 64 KiB, 100 headers, body 64 MiB,
         * idle timeout 30 s, header timeout 10 s, 10,000 connections, access log to the
         * System.Logger {@code org.greenhub.http.access} at INFO.
         *
         * @return the default options
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * The longest request line; a longer one is answered 414 and the connection closed.
         *
         * @param bytes at least 16
         * @return new options
         * @throws IllegalArgumentException if {@code bytes} is below 16
         */
        public Options maxRequestLine(int bytes) {
            return new Options(atLeast(bytes, 16, "maxRequestLine"), maxHeaderBytes, maxHeaders, maxBody, idleTimeout,
                    headerTimeout, concurrency, accessLog);
        }

        /**
         * The largest header block (the header lines after the request line); more is
         * answered 431 and the connection closed.
         *
         * @param bytes at least 64
         * @return new options
         * @throws IllegalArgumentException if {@code bytes} is below 64
         */
        public Options maxHeaderBytes(int bytes) {
            return new Options(maxRequestLine, atLeast(bytes, 64, "maxHeaderBytes"), maxHeaders, maxBody, idleTimeout,
                    headerTimeout, concurrency, accessLog);
        }

        /**
         * The most header lines; more are answered 431 and the connection closed.
         *
         * @param count at least 1
         * @return new options
         * @throws IllegalArgumentException if {@code count} is below 1
         */
        public Options maxHeaders(int count) {
            return new Options(maxRequestLine, maxHeaderBytes, atLeast(count, 1, "maxHeaders"), maxBody, idleTimeout,
                    headerTimeout, concurrency, accessLog);
        }

        /**
         * The largest request body: a larger Content-Length is answered 413 before the
         * handler runs; a chunked body that grows larger ends the handler's read with an
         * IOException and is answered 413 if nothing was sent yet. Either way the
         * connection is closed.
         *
         * @param bytes zero or more
         * @return new options
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Options maxBody(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBody < 0: " + bytes);
            }
            return new Options(maxRequestLine, maxHeaderBytes, maxHeaders, bytes, idleTimeout, headerTimeout,
                    concurrency, accessLog);
        }

        /**
         * How long a kept-alive connection may wait for the first byte of its next
         * request; then it is closed.
         *
         * @param d positive
         * @return new options
         * @throws IllegalArgumentException if {@code d} is null, zero or negative
         */
        public Options idleTimeout(Duration d) {
            return new Options(maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, positive(d, "idleTimeout"),
                    headerTimeout, concurrency, accessLog);
        }

        /**
         * How long a client has, from the first byte of a request, to send its whole head;
         * then it gets 408 and the connection is closed, however slowly it keeps sending.
         *
         * @param d positive
         * @return new options
         * @throws IllegalArgumentException if {@code d} is null, zero or negative
         */
        public Options headerTimeout(Duration d) {
            return new Options(maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, idleTimeout,
                    positive(d, "headerTimeout"), concurrency, accessLog);
        }

        /**
         * The most connections served at once; at the limit the server stops accepting
         * until one ends.
         *
         * @param connections at least 1
         * @return new options
         * @throws IllegalArgumentException if {@code connections} is below 1
         */
        public Options concurrency(int connections) {
            return new Options(maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, idleTimeout, headerTimeout,
                    atLeast(connections, 1, "concurrency"), accessLog);
        }

        /**
         * Where each request's access log line goes: Common Log Format plus the time taken
         * in microseconds. Null turns the log off (then it costs nothing per request).
         *
         * @param sink the consumer of log lines, or null
         * @return new options
         */
        public Options accessLog(Consumer<String> sink) {
            return new Options(maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, idleTimeout, headerTimeout,
                    concurrency, sink);
        }

        private static int atLeast(int v, int min, String what) {
            if (v < min) {
                throw new IllegalArgumentException(what + " < " + min + ": " + v);
            }
            return v;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        @Override
        public String toString() {
            return "HttpServer.Options[maxRequestLine=" + maxRequestLine + ", maxHeaderBytes=" + maxHeaderBytes
                    + ", maxHeaders=" + maxHeaders + ", maxBody=" + maxBody + ", idleTimeout=" + idleTimeout
                    + ", headerTimeout=" + headerTimeout + ", concurrency=" + concurrency
                    + ", accessLog=" + (accessLog == null ? "off" : "on") + "]";
        }
    }
}
