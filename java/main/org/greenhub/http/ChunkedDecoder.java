package org.greenhub.http;

import java.io.IOException;

/**
 * Decodes a chunked body (RFC 9112 7.1), strictly: chunk sizes are hex digits only (no
 * sign, {@code 0x}, underscore or space), extensions are accepted and ignored, every
 * chunk's data must be followed by exactly CRLF, lines end in CRLF (a bare CR or LF is
 * malformed), and the trailer section after the last chunk is read as field lines,
 * limited like the head and dropped: it is never taken for a request. Pulls its input
 * from a {@link Source}, so where the bytes were split on the wire changes nothing.
 */
final class ChunkedDecoder {
    /** Where the bytes come from. */
    interface Source {
        /** The next byte (0 to 255), waiting for input; an IOException at end of stream. */
        int next() throws IOException;

        /** Copies at least one and at most {@code len} bytes into {@code b}, waiting for input; an IOException at end of stream. */
        int read(byte[] b, int off, int len) throws IOException;
    }

    private static final int SIZE = 0, DATA = 1, DONE = 2;

    private final long maxBody;
    private final int maxTrailerBytes;
    private final int maxTrailers;
    private int state = SIZE;
    private long remaining;   // of the current chunk
    private long total;
    private final StringBuilder line = new StringBuilder();

    ChunkedDecoder(long maxBody, int maxTrailerBytes, int maxTrailers) {
        this.maxBody = maxBody;
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailers = maxTrailers;
    }

    /** Whether the whole body, trailers included, has been read. */
    boolean done() {
        return state == DONE;
    }

    /**
     * Decodes up to {@code len} body bytes into {@code b}: the count, -1 at the end of the
     * body. An HttpError (400, 413, 431) for a malformed or too large body.
     */
    int read(Source in, byte[] b, int off, int len) throws IOException, HttpError {
        if (len == 0) {
            return 0;
        }
        while (true) {
            switch (state) {
                case DONE -> {
                    return -1;
                }
                case SIZE -> {
                    remaining = chunkSize(in);
                    if (remaining == 0) {
                        trailers(in);
                        state = DONE;
                        return -1;
                    }
                    total += remaining;
                    if (total > maxBody) {
                        throw new HttpError(413, "chunked body larger than " + maxBody + " bytes");
                    }
                    state = DATA;
                }
                default -> { // DATA
                    if (remaining > 0) {
                        int n = in.read(b, off, (int) Math.min(len, remaining));
                        remaining -= n;
                        return n;
                    }
                    if (in.next() != '\r' || in.next() != '\n') {
                        throw new HttpError(400, "chunk data not followed by CRLF");
                    }
                    state = SIZE;
                }
            }
        }
    }

    /** chunk-size [ chunk-ext ] CRLF. */
    private long chunkSize(Source in) throws IOException, HttpError {
        String s = line(in, 1024);
        int i = 0;
        long size = 0;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
            if (i >= 15) {
                throw new HttpError(400, "chunk size too long");
            }
            size = size * 16 + Character.digit(s.charAt(i), 16);
            i++;
        }
        if (i == 0) {
            throw new HttpError(400, "malformed chunk size");
        }
        if (i < s.length()) {
            if (s.charAt(i) != ';') { // chunk-ext = *( BWS ";" ... ): only after the size, nothing else
                throw new HttpError(400, "malformed chunk size");
            }
            for (int k = i; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new HttpError(400, "control character in a chunk extension");
                }
            }
        }
        return size;
    }

    /** The trailer section: field lines up to an empty line. */
    private void trailers(Source in) throws IOException, HttpError {
        int count = 0;
        int bytes = 0;
        while (true) {
            String s = line(in, maxTrailerBytes);
            if (s.isEmpty()) {
                return;
            }
            bytes += s.length() + 2;
            if (++count > maxTrailers || bytes > maxTrailerBytes) {
                throw new HttpError(431, "trailer section too large");
            }
            int colon = s.indexOf(':');
            if (colon <= 0) {
                throw new HttpError(400, "malformed trailer field");
            }
            for (int k = 0; k < colon; k++) {
                if (!RequestHead.isTchar((byte) s.charAt(k))) {
                    throw new HttpError(400, "malformed trailer field");
                }
            }
            for (int k = colon + 1; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new HttpError(400, "control character in a trailer field");
                }
            }
        }
    }

    /** A line up to CRLF, at most {@code max} bytes. */
    private String line(Source in, int max) throws IOException, HttpError {
        line.setLength(0);
        while (true) {
            int c = in.next();
            if (c == '\r') {
                if (in.next() != '\n') {
                    throw new HttpError(400, "bare CR in chunked framing");
                }
                return line.toString();
            }
            if (c == '\n') {
                throw new HttpError(400, "bare LF in chunked framing");
            }
            if (line.length() >= max) {
                throw new HttpError(400, "chunked framing line too long");
            }
            line.append((char) c);
        }
    }
}
