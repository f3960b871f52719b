package org.greenhub.http;

/**
 * Finds where a request head ends in the bytes received so far, and refuses one that
 * has grown past the limits before it is complete (414 for the request line, 431 for
 * the header block), so that a client cannot make the server buffer without bound.
 */
final class HeadScanner {
    private HeadScanner() {
    }

    /** The most bytes a head may take: request line, header block and their CRLFs. */
    static int maxHead(HttpServer.Options o) {
        return o.maxRequestLine + 2 + o.maxHeaderBytes + 2;
    }

    /**
     * The index just past the blank line that ends the head starting at {@code start},
     * or -1 when {@code b[start, end)} holds no complete head yet. Scanning starts at
     * {@code from} (where an earlier call stopped: bytes before it hold no end).
     */
    static int find(byte[] b, int start, int end, int from, HttpServer.Options o) throws HttpError {
        for (int i = Math.max(from, start); i + 3 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                int lineEnd = crlf(b, start, i + 2);
                if (lineEnd - start > o.maxRequestLine) {
                    throw new HttpError(414, "request line longer than " + o.maxRequestLine + " bytes");
                }
                if (i + 4 - (lineEnd + 2) - 2 > o.maxHeaderBytes) {
                    throw new HttpError(431, "header block larger than " + o.maxHeaderBytes + " bytes");
                }
                return i + 4;
            }
        }
        // The request line is too long as soon as it is known to be: by its CRLF, or by
        // more bytes than it may have (the last one may be the CR of its CRLF).
        int lineEnd = crlf(b, start, end);
        if (lineEnd >= 0 ? lineEnd - start > o.maxRequestLine : end - start > o.maxRequestLine + 1) {
            throw new HttpError(414, "request line longer than " + o.maxRequestLine + " bytes");
        }
        if (end - start > maxHead(o)) {
            throw new HttpError(431, "header block larger than " + o.maxHeaderBytes + " bytes");
        }
        return -1;
    }

    /** The index of the first CRLF in {@code b[from, to)}, or -1. */
    private static int crlf(byte[] b, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
