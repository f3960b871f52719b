package org.greenhub.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.greenhub.StopServe;
import org.greenhub.net.GreenSocket;

/**
 * One HTTP connection: reads requests one after the other (pipelined ones from the same
 * buffer), runs the handler for each and writes the responses in order. Responses are
 * gathered in one output buffer that is written when no further request is already
 * buffered (so a pipelined batch goes out in one write), when it grows large, when the
 * handler flushes, and before the connection waits for input.
 */
final class HttpConnection {
    private static final System.Logger LOG = System.getLogger("org.greenhub.http");
    private static final int READ_CHUNK = 16 * 1024;
    /** Body bytes a response holds back before committing its head (then it knows its length). */
    private static final int HOLD = 8 * 1024;
    /** Output buffered beyond this is written at once. */
    private static final int FLUSH_AT = 32 * 1024;
    /** An unread request body up to this many bytes is read and dropped to keep the connection; a larger one closes it. */
    private static final long DRAIN_LIMIT = 256 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final GreenSocket socket;
    private final HttpHandler handler;
    private final HttpServer.Options options;
    private final Connections live;
    private final int maxHead;

    private byte[] in = new byte[READ_CHUNK];
    private int inPos, inEnd;            // unread input: in[inPos, inEnd)
    private byte[] out = new byte[READ_CHUNK];
    private int outLen;

    private final RequestHead head = new RequestHead();
    private final Request request = new Request();
    private final Response response = new Response();
    private volatile boolean idle = true;
    private volatile WebSocketConnection upgraded; // set once the connection speaks WebSocket
    private boolean linger;              // the server ends the connection while the client may still be sending
    private String peer;

    HttpConnection(GreenSocket socket, HttpHandler handler, HttpServer.Options options, Connections live) {
        this.socket = socket;
        this.handler = handler;
        this.options = options;
        this.live = live;
        this.maxHead = HeadScanner.maxHead(options);
    }

    /**
     * Serves requests until the client or the server ends the connection (the caller
     * closes the socket). A handler's StopServe is rethrown once this connection is done.
     */
    void serve() {
        if (!live.add(this)) {
            return;
        }
        StopServe stop = null;
        try {
            stop = requests();
        } catch (IOException e) {
            linger = false; // the connection broke: nothing to answer
        } finally {
            flushQuietly();
            if (linger) {
                lingeringClose();
            }
            live.remove(this);
        }
        if (stop != null) {
            throw stop;
        }
    }

    /** The request loop; the StopServe a handler threw, if any. */
    private StopServe requests() throws IOException {
        while (!live.stopping() && awaitRequest()) {
            idle = false;
            try {
                if (!readHead()) {
                    return null; // the client went away in the middle of a head
                }
            } catch (HttpError e) {
                refuse(e.status, e.getMessage());
                return null;
            }
            Outcome o = exchange();
            if (o.stop != null || !o.keepAlive) {
                return o.stop;
            }
            idle = true;
        }
        return null;
    }

    /**
     * The server is stopping: closes the connection when it waits between requests, and
     * starts the close handshake of a WebSocket (1001, going away).
     */
    void closeIfIdle() {
        WebSocketConnection ws = upgraded;
        if (ws != null) {
            ws.goingAway();
        } else if (idle) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- input ----------------------------------------------------------------------

    /** Waits for the first byte of the next request, within the idle timeout; false at end of stream or timeout. */
    private boolean awaitRequest() throws IOException {
        while (true) {
            while (inEnd - inPos >= 2 && in[inPos] == '\r' && in[inPos + 1] == '\n') {
                inPos += 2; // RFC 9112 2.2: empty lines before a request line are ignored
            }
            if (inPos < inEnd && !(inEnd - inPos == 1 && in[inPos] == '\r')) {
                return true;
            }
            try {
                if (fill(options.idleTimeout) < 0) {
                    return false;
                }
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }

    /** Reads the head into {@link #head}, within the header timeout; false when the client closed first. */
    private boolean readHead() throws IOException, HttpError {
        long deadline = System.nanoTime() + options.headerTimeout.toNanos();
        int scanned = inPos;
        while (true) {
            int end = HeadScanner.find(in, inPos, inEnd, scanned, options);
            if (end >= 0) {
                head.parse(in, inPos, end - inPos, options);
                inPos = end;
                return true;
            }
            scanned = Math.max(inPos, inEnd - 3);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HttpError(408, "request head not received within " + options.headerTimeout);
            }
            try {
                if (fill(Duration.ofNanos(left)) < 0) {
                    return false;
                }
            } catch (SocketTimeoutException e) {
                throw new HttpError(408, "request head not received within " + options.headerTimeout);
            }
        }
    }

    /**
     * Reads more input (after writing what is queued: the client may be waiting for it),
     * waiting at most {@code timeout}; the count, -1 at end of stream.
     */
    private int fill(Duration timeout) throws IOException {
        flush();
        if (inPos == inEnd) {
            inPos = inEnd = 0;
        } else if (inEnd == in.length) {
            if (inPos > 0) {
                System.arraycopy(in, inPos, in, 0, inEnd - inPos);
                inEnd -= inPos;
                inPos = 0;
            } else {
                in = java.util.Arrays.copyOf(in, Math.min(in.length * 2, maxHead + READ_CHUNK));
            }
        }
        socket.setTimeout(timeout);
        int n = socket.recv(in, inEnd, in.length - inEnd);
        if (n > 0) {
            inEnd += n;
        }
        return n;
    }

    // ---- one request ----------------------------------------------------------------

    private record Outcome(boolean keepAlive, StopServe stop) {
    }

    /** A connection taken over by an upgrade: its socket, the input already read, and its send timeout. */
    record Upgraded(GreenSocket socket, byte[] buffered, Duration sendTimeout) {
    }

    private Outcome exchange() throws IOException {
        long t0 = options.accessLog != null ? System.nanoTime() : 0;
        request.start();
        response.start();
        StopServe stop = null;
        Throwable failure = null;
        try {
            handler.handle(request, response);
        } catch (StopServe s) {
            stop = s;
        } catch (Throwable t) {
            failure = t;
        }
        if (upgraded != null) {
            if (failure != null) {
                LOG.log(System.Logger.Level.ERROR, "HTTP handler failed after a WebSocket upgrade", failure);
            }
            if (t0 != 0) {
                options.accessLog.accept(AccessLog.line(peer(), head, 101, 0, (System.nanoTime() - t0) / 1000));
            }
            return new Outcome(false, stop); // the connection was the WebSocket's; it is over
        }
        boolean close = stop != null || request.broken != 0;
        if (failure != null) {
            if (!response.committed) {
                int status = request.broken != 0 ? request.broken : 500;
                if (status == 500) {
                    LOG.log(System.Logger.Level.ERROR, "HTTP handler failed on " + head.method() + " " + head.target(), failure);
                }
                response.reset(status);
                close = true;
            } else {
                LOG.log(System.Logger.Level.ERROR, "HTTP handler failed after the response began; closing the connection", failure);
                flushQuietly();
                return new Outcome(false, stop);
            }
        }
        if (close) {
            response.closeAfter = true;
        }
        if (!response.finish()) {
            return new Outcome(false, stop); // the handler broke the framing it declared
        }
        if (t0 != 0) {
            options.accessLog.accept(AccessLog.line(peer(), head, response.status, response.bodyBytes,
                    (System.nanoTime() - t0) / 1000));
        }
        boolean keep = !response.closeAfter && request.finish();
        linger = !keep && !request.atEnd();
        if (outLen >= FLUSH_AT) {
            flush();
        }
        return new Outcome(keep, stop);
    }

    /**
     * Ends the output and reads what the client still sends (at most {@link #LINGER_BYTES}
     * for at most {@link #LINGER}) before the socket is closed: closing with unread input
     * makes the kernel send a reset, which can destroy the response the client has not
     * read yet (nginx's lingering close).
     */
    private void lingeringClose() {
        try {
            socket.shutdownOutput();
            long deadline = System.nanoTime() + LINGER.toNanos();
            long read = 0;
            inPos = inEnd = 0;
            while (read < LINGER_BYTES) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                socket.setTimeout(Duration.ofNanos(left));
                int n = socket.recv(in, 0, in.length);
                if (n < 0) {
                    return;
                }
                read += n;
            }
        } catch (IOException done) {
            // timed out or gone: close now
        }
    }

    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final long LINGER_BYTES = 256 * 1024;

    /** Answers a request that is refused before its handler runs, then the connection closes. */
    private void refuse(int status, String reason) {
        linger = true;
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String h = "HTTP/1.1 " + status + " " + Status.reason(status) + "\r\nDate: " + Dates.now()
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try {
            append(h.getBytes(StandardCharsets.US_ASCII));
            append(body, 0, body.length);
            flush();
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private String peer() {
        String p = peer;
        if (p == null) {
            try {
                peer = p = socket.remoteAddress().getAddress().getHostAddress();
            } catch (IOException e) {
                peer = p = "-";
            }
        }
        return p;
    }

    // ---- output ---------------------------------------------------------------------

    private void append(byte[] b) {
        append(b, 0, b.length);
    }

    private void append(byte[] b, int off, int len) {
        if (outLen + len > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, outLen + len));
        }
        System.arraycopy(b, off, out, outLen, len);
        outLen += len;
    }

    private void append(String ascii) {
        int len = ascii.length();
        if (outLen + len > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, outLen + len));
        }
        for (int i = 0; i < len; i++) {
            out[outLen++] = (byte) ascii.charAt(i);
        }
    }

    /** Writes what is queued, in one write when the socket takes it. */
    private void flush() throws IOException {
        if (outLen > 0) {
            socket.setTimeout(options.idleTimeout);
            socket.sendAll(java.nio.ByteBuffer.wrap(out, 0, outLen));
            outLen = 0;
            if (out.length > 4 * READ_CHUNK) {
                out = new byte[READ_CHUNK]; // a large response does not pin its buffer
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException ignored) {
            outLen = 0;
        }
    }

    // ---- the request --------------------------------------------------------------

    /** The request of the current exchange, with its body decoder (Content-Length or chunked). */
    final class Request implements HttpRequest {
        private final InputStream body = new Body();
        private long remaining;          // LENGTH: bytes left
        private ChunkedDecoder chunks;   // CHUNKED: the decoder of this request's body
        boolean continueSent;
        int broken;                      // a status when the body was malformed (400) or too large (413)

        void start() {
            remaining = head.framing == RequestHead.LENGTH ? head.contentLength : 0;
            chunks = head.framing == RequestHead.CHUNKED
                    ? new ChunkedDecoder(options.maxBody, options.maxHeaderBytes, options.maxHeaders) : null;
            continueSent = false;
            broken = 0;
        }

        @Override
        public String method() {
            return head.method();
        }

        @Override
        public String path() {
            return head.target();
        }

        @Override
        public String version() {
            return head.http11 ? "HTTP/1.1" : "HTTP/1.0";
        }

        @Override
        public String header(String name) {
            return head.header(name);
        }

        @Override
        public Map<String, List<String>> headers() {
            return head.headers();
        }

        @Override
        public InputStream body() {
            return body;
        }

        boolean atEnd() {
            return chunks != null ? chunks.done() : remaining == 0;
        }

        /**
         * Hands the connection over to a WebSocket: sends {@code responseHead} (a 101
         * response) after any pipelined responses still queued, and moves the input read
         * past this request's head into the WebSocket. The request must have no body.
         */
        WebSocketConnection upgrade(byte[] responseHead, java.util.function.Function<Upgraded, WebSocketConnection> make)
                throws IOException {
            if (response.committed || upgraded != null || !atEnd()) {
                throw new IllegalStateException("the request cannot be upgraded: a response was started or it has a body");
            }
            response.committed = true;
            append(responseHead);
            flush();
            WebSocketConnection ws = make.apply(new Upgraded(socket, java.util.Arrays.copyOfRange(in, inPos, inEnd),
                    options.idleTimeout));
            inPos = inEnd;
            upgraded = ws;
            return ws;
        }

        /** Before the first read of a body the client holds back for {@code 100 Continue}. */
        private void beforeRead() throws IOException {
            if (head.expectContinue && !continueSent && !response.committed) {
                continueSent = true;
                append(CONTINUE);
                flush();
            }
        }

        /** At most {@code len} bytes of input, waiting for some; throws at end of stream. */
        private int available(int len) throws IOException {
            if (inPos == inEnd && fill(options.idleTimeout) < 0) {
                throw new IOException("the client closed the connection in the middle of the request body");
            }
            return Math.min(len, inEnd - inPos);
        }

        /** The connection's input as the chunked decoder sees it. */
        private final ChunkedDecoder.Source wire = new ChunkedDecoder.Source() {
            @Override
            public int next() throws IOException {
                available(1);
                return in[inPos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return copy(b, off, len);
            }
        };

        int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (broken != 0) {
                throw new IOException("the request body is " + (broken == 413 ? "too large" : "malformed"));
            }
            if (atEnd()) {
                return -1;
            }
            beforeRead();
            if (chunks == null) {
                int n = copy(b, off, (int) Math.min(len, remaining));
                remaining -= n;
                return n;
            }
            try {
                return chunks.read(wire, b, off, len);
            } catch (HttpError e) {
                broken = e.status;
                throw new IOException(e.getMessage());
            }
        }

        private int copy(byte[] b, int off, int len) throws IOException {
            int n = available(len);
            System.arraycopy(in, inPos, b, off, n);
            inPos += n;
            return n;
        }

        /**
         * After the response: whether the connection can carry another request. An unread
         * body is read and dropped when it is small, unless the client still waits for
         * {@code 100 Continue} (then it was never sent, and the connection closes).
         */
        boolean finish() {
            if (broken != 0) {
                return false;
            }
            if (atEnd()) {
                return keepAliveRequested();
            }
            if (head.expectContinue && !continueSent) {
                return false;
            }
            try {
                byte[] sink = new byte[8192];
                long dropped = 0;
                while (!atEnd()) {
                    int n = read(sink, 0, sink.length);
                    if (n < 0) {
                        break;
                    }
                    dropped += n;
                    if (dropped > DRAIN_LIMIT) {
                        return false;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return keepAliveRequested();
        }

        boolean keepAliveRequested() {
            return head.http11 ? !head.connectionClose : head.connectionKeepAlive && !head.connectionClose;
        }

        private final class Body extends InputStream {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                return Request.this.read(b, off, len);
            }

            @Override
            public int available() {
                return head.framing == RequestHead.LENGTH ? (int) Math.min(remaining, inEnd - inPos) : 0;
            }
        }
    }

    // ---- the response -------------------------------------------------------------

    /** The response of the current exchange: held back up to {@link #HOLD} bytes, then streamed. */
    private final class Response implements HttpResponse {
        private final OutputStream body = new Body();
        int status;
        private final List<String> headers = new ArrayList<>(); // name, value, name, value...
        private byte[] held = new byte[HOLD];
        private int heldLen;
        boolean committed;
        boolean closeAfter;
        private long declaredLength;     // -1: none
        private boolean chunked;
        private boolean closeDelimited;
        long bodyBytes;

        void start() {
            status = 200;
            headers.clear();
            heldLen = 0;
            committed = false;
            closeAfter = false;
            declaredLength = -1;
            chunked = false;
            closeDelimited = false;
            bodyBytes = 0;
        }

        /** Replaces whatever the handler set with a bare {@code status} response (nothing was committed). */
        void reset(int code) {
            start();
            status = code;
            byte[] text = (code + " " + Status.reason(code) + "\n").getBytes(StandardCharsets.US_ASCII);
            headers.add("Content-Type");
            headers.add("text/plain; charset=utf-8");
            System.arraycopy(text, 0, held, 0, text.length);
            heldLen = text.length;
        }

        @Override
        public void status(int code) {
            if (committed) {
                throw new IllegalStateException("the response head was already sent");
            }
            if (code < 200 || code > 999) {
                throw new IllegalArgumentException("status code " + code);
            }
            status = code;
        }

        @Override
        public void header(String name, String value) {
            if (committed) {
                throw new IllegalStateException("the response head was already sent");
            }
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("empty header name");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c > 0x7e || !RequestHead.isTchar((byte) c)) {
                    throw new IllegalArgumentException("bad character in header name: " + name);
                }
            }
            if (value == null) {
                throw new IllegalArgumentException("null value of header " + name);
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                    throw new IllegalArgumentException("bad character in the value of header " + name);
                }
            }
            if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    declaredLength = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Content-Length is not a number: " + value);
                }
                if (declaredLength < 0) {
                    throw new IllegalArgumentException("negative Content-Length: " + value);
                }
                return; // written by commit
            }
            if (name.equalsIgnoreCase("Transfer-Encoding") || name.equalsIgnoreCase("Date")) {
                throw new IllegalArgumentException(name + " is set by the server");
            }
            if (name.equalsIgnoreCase("Connection") && value.toLowerCase(java.util.Locale.ROOT).contains("close")) {
                closeAfter = true;
                return; // written by commit
            }
            headers.add(name);
            headers.add(value);
        }

        @Override
        public OutputStream body() {
            return body;
        }

        private boolean bodyless() {
            return head.isMethod("HEAD") || status < 200 || status == 204 || status == 304;
        }

        /** Queues the head, then the held body; {@code complete}: the handler has returned, so the held body is all of it. */
        private void commit(boolean complete) {
            committed = true;
            append((head.http11 ? "HTTP/1.1 " : "HTTP/1.0 ") + status + " " + Status.reason(status) + "\r\nDate: " + Dates.now() + "\r\n");
            for (int i = 0; i < headers.size(); i += 2) {
                append(headers.get(i) + ": " + headers.get(i + 1) + "\r\n");
            }
            boolean noBody = status < 200 || status == 204 || status == 304;
            if (!noBody) {
                if (declaredLength >= 0) {
                    append("Content-Length: " + declaredLength + "\r\n");
                } else if (complete) {
                    append("Content-Length: " + heldLen + "\r\n");
                } else if (head.http11) {
                    chunked = true;
                    append("Transfer-Encoding: chunked\r\n");
                } else {
                    closeDelimited = true;
                    closeAfter = true;
                }
            }
            if (head.expectContinue && !request.continueSent && !request.atEnd()) {
                closeAfter = true; // the client holds its body back: it can never be read past
            }
            if (closeAfter || !request.keepAliveRequested()) {
                closeAfter = true;
                append("Connection: close\r\n");
            } else if (!head.http11) {
                append("Connection: keep-alive\r\n");
            }
            append("\r\n");
            int n = heldLen;
            heldLen = 0;
            emit(held, 0, n);
        }

        /** Queues body bytes after the head, framed as the head said. */
        private void emit(byte[] b, int off, int len) {
            if (len == 0 || bodyless()) {
                return;
            }
            bodyBytes += len;
            if (chunked) {
                append(Integer.toHexString(len) + "\r\n");
                append(b, off, len);
                append("\r\n");
            } else {
                append(b, off, len);
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            if (declaredLength >= 0 && bodyBytes + heldLen + len > declaredLength && !bodyless()) {
                throw new IOException("the body is longer than its Content-Length " + declaredLength);
            }
            if (!committed) {
                if (heldLen + len <= held.length) {
                    System.arraycopy(b, off, held, heldLen, len);
                    heldLen += len;
                    return;
                }
                commit(false);
            }
            emit(b, off, len);
            if (outLen >= FLUSH_AT) {
                flush();
            }
        }

        void flushBody() throws IOException {
            if (!committed) {
                commit(false);
            }
            flush();
        }

        /** Ends the response; false when the body did not match its declared length (the connection must close). */
        boolean finish() throws IOException {
            if (!committed) {
                commit(true);
            }
            if (chunked && !bodyless()) {
                append("0\r\n\r\n");
            }
            if (declaredLength >= 0 && !bodyless() && status >= 200 && status != 204 && status != 304
                    && bodyBytes != declaredLength) {
                LOG.log(System.Logger.Level.ERROR, "HTTP handler wrote " + bodyBytes + " bytes after Content-Length "
                        + declaredLength + " for " + head.method() + " " + head.target() + "; closing the connection");
                flushQuietly();
                return false;
            }
            return true;
        }

        private final class Body extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                Response.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                Response.this.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                flushBody();
            }
        }
    }
}
