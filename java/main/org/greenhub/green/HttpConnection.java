package org.greenhub.green;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.greenhub.net.GreenSocket;

/**
 * One HTTP/1.1 client connection over a green socket, with its own read buffer:
 * writes a GET, parses the status line and headers within limits, and hands out
 * the body as a stream framed by Content-Length, chunked coding or the close.
 */
final class HttpConnection implements AutoCloseable {
    static final int MAX_HEAD = 64 * 1024;

    final String key;            // scheme://host:port, the pool's key
    private final GreenSocket socket;
    private final byte[] buf = new byte[16 * 1024];
    private int pos, end;
    boolean reusable = true;     // false once the server said close or the body was close-delimited

    HttpConnection(String key, GreenSocket socket, Duration timeout) {
        this.key = key;
        this.socket = socket;
        socket.setTimeout(timeout);
    }

    GreenSocket socket() {
        return socket;
    }

    void sendGet(String target, String hostHeader) throws IOException {
        String req = "GET " + target + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nUser-Agent: greenhub-urls\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n";
        socket.sendAll(req.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A parsed response head. */
    record Head(int status, String reason, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Reads the status line and headers; throws IOException on malformed or oversized input. */
    Head readHead(String where) throws IOException {
        int budget = MAX_HEAD;
        String status;
        do { // skip interim 1xx responses
            status = readLine(budget, where, true);
            budget -= status.length() + 2;
            if (!status.startsWith("HTTP/1.")) {
                throw new IOException("malformed HTTP response from " + where + ": status line '" + abbreviate(status) + "'");
            }
            String[] parts = status.split(" ", 3);
            int code;
            try {
                code = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                code = -1;
            }
            if (code < 100 || code > 999) {
                throw new IOException("malformed HTTP response from " + where + ": status line '" + abbreviate(status) + "'");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            while (true) {
                String line = readLine(budget, where, false);
                budget -= line.length() + 2;
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed HTTP header from " + where + ": '" + abbreviate(line) + "'");
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
            if (code >= 200 || code == 101) {
                if ("close".equalsIgnoreCase(headers.get("connection")) || status.startsWith("HTTP/1.0")
                        && !"keep-alive".equalsIgnoreCase(headers.get("connection"))) {
                    reusable = false;
                }
                return new Head(code, parts.length > 2 ? parts[2] : "", headers);
            }
        } while (true);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private String readLine(int budget, String where, boolean first) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == end && !fill()) {
                throw first && line.isEmpty()
                        ? new EOFException("connection closed by " + where + " before a response")
                        : new IOException("malformed HTTP response from " + where + ": truncated head");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xff));
            if (line.length() > budget) {
                throw new IOException("HTTP response head from " + where + " exceeds " + MAX_HEAD + " bytes");
            }
        }
    }

    private boolean fill() throws IOException {
        int n = socket.recv(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /** Reads up to len bytes of the raw stream (after the buffered ones); -1 at end. */
    int readRaw(byte[] b, int off, int len) throws IOException {
        if (pos < end) {
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        return socket.recv(b, off, len);
    }

    /** The body of a response to a GET; calls {@code done} once it has been read to its end. */
    InputStream body(Head head, String method, Runnable done) throws IOException {
        int status = head.status();
        if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
            return new FixedBody(0, done);
        }
        String te = head.header("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedBody(done);
        }
        String cl = head.header("content-length");
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.split(",")[0].trim());
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length '" + cl + "'");
            }
            if (n < 0) {
                throw new IOException("malformed Content-Length '" + cl + "'");
            }
            return new FixedBody(n, done);
        }
        reusable = false;
        return new CloseDelimitedBody(done);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to report
        }
    }

    /** A body of known length. */
    private final class FixedBody extends BodyStream {
        private long left;

        FixedBody(long length, Runnable done) {
            super(done);
            left = length;
            if (left == 0) {
                finish();
            }
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = readRaw(b, off, (int) Math.min(len, left));
            if (n <= 0) {
                throw new EOFException("connection closed with " + left + " body bytes still to come");
            }
            left -= n;
            if (left == 0) {
                finish();
            }
            return n;
        }
    }

    /** A body that ends when the server closes the connection. */
    private final class CloseDelimitedBody extends BodyStream {
        CloseDelimitedBody(Runnable done) {
            super(done);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            int n = readRaw(b, off, len);
            if (n <= 0) {
                finish();
                return -1;
            }
            return n;
        }
    }

    /** Transfer-Encoding: chunked. */
    private final class ChunkedBody extends BodyStream {
        private long chunkLeft;
        private boolean last;

        ChunkedBody(Runnable done) {
            super(done);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (last) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = readLine(MAX_HEAD, key, false);
                int semi = size.indexOf(';');
                try {
                    chunkLeft = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size '" + abbreviate(size) + "' from " + key);
                }
                if (chunkLeft < 0) {
                    throw new IOException("malformed chunk size '" + abbreviate(size) + "' from " + key);
                }
                if (chunkLeft == 0) {
                    while (!readLine(MAX_HEAD, key, false).isEmpty()) {
                        // trailers: ignored
                    }
                    last = true;
                    finish();
                    return -1;
                }
            }
            int n = readRaw(b, off, (int) Math.min(len, chunkLeft));
            if (n <= 0) {
                throw new EOFException("connection closed in the middle of a chunk from " + key);
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine(16, key, false).isEmpty()) {
                throw new IOException("malformed chunked body from " + key + ": no CRLF after a chunk");
            }
            return n;
        }
    }

    /** The body stream: reports its end once; closing it early drops the connection. */
    private abstract class BodyStream extends InputStream {
        private Runnable done;
        private boolean closed;

        BodyStream(Runnable done) {
            this.done = done;
        }

        abstract int readBody(byte[] b, int off, int len) throws IOException;

        final void finish() {
            Runnable d = done;
            done = null;
            if (d != null) {
                d.run();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            return readBody(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
            abandon();
        }

        /** Closed before the end: the rest of the body is unread, so the connection cannot be reused. */
        private void abandon() {
            if (done != null) {
                done = null;
                HttpConnection.this.close();
            }
        }
    }
}
