package org.greenhub.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request head parsed in place (RFC 9112, strictly): the bytes of the head are copied
 * once into a buffer this connection reuses, and every field is an offset into it.
 * Strings are made only for what the handler asks for. Reused for each request.
 */
final class RequestHead {
    /** Framing of the body. */
    static final int NO_BODY = 0, LENGTH = 1, CHUNKED = 2;

    byte[] bytes = new byte[1024];
    int length;
    int methodEnd;            // method: [0, methodEnd)
    int targetStart, targetEnd;
    boolean http11;
    int headerCount;
    int[] fields = new int[4 * 16]; // per header: nameStart, nameEnd, valueStart, valueEnd

    // What the parser learned from the framing headers.
    int framing;
    long contentLength;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean expectContinue;

    private String method;
    private String target;
    private Map<String, List<String>> headerMap;

    /** Parses {@code len} head bytes of {@code src} from {@code off} (the request line to the blank line, CRLFs included). */
    void parse(byte[] src, int off, int len, HttpServer.Options o) throws HttpError {
        if (bytes.length < len) {
            bytes = new byte[Math.max(len, bytes.length * 2)];
        }
        System.arraycopy(src, off, bytes, 0, len);
        length = len;
        method = null;
        target = null;
        headerMap = null;
        headerCount = 0;
        framing = NO_BODY;
        contentLength = 0;
        connectionClose = connectionKeepAlive = expectContinue = false;
        int lineEnd = lineEnd(0);
        if (lineEnd > o.maxRequestLine) {
            throw new HttpError(414, "request line longer than " + o.maxRequestLine + " bytes");
        }
        requestLine(lineEnd);
        boolean host = false;
        boolean sawLength = false;
        boolean sawTransferEncoding = false;
        int p = lineEnd + 2;
        while (p < length - 2) { // the last two bytes are the blank line's CRLF
            int end = lineEnd(p);
            field(p, end, o);
            int n = headerCount - 1;
            int ns = fields[4 * n], ne = fields[4 * n + 1], vs = fields[4 * n + 2], ve = fields[4 * n + 3];
            if (is(ns, ne, "host")) {
                if (host) {
                    throw new HttpError(400, "more than one Host header");
                }
                host = true;
            } else if (is(ns, ne, "content-length")) {
                if (sawLength) {
                    throw new HttpError(400, "more than one Content-Length");
                }
                sawLength = true;
                contentLength = digits(vs, ve, "Content-Length");
            } else if (is(ns, ne, "transfer-encoding")) {
                if (sawTransferEncoding) {
                    throw new HttpError(400, "more than one Transfer-Encoding");
                }
                sawTransferEncoding = true;
                if (!equalsIgnoreCase(vs, ve, "chunked")) {
                    throw new HttpError(501, "Transfer-Encoding other than chunked");
                }
            } else if (is(ns, ne, "connection")) {
                connectionTokens(vs, ve);
            } else if (is(ns, ne, "expect")) {
                if (!equalsIgnoreCase(vs, ve, "100-continue")) {
                    throw new HttpError(417, "Expect other than 100-continue");
                }
                expectContinue = true;
            }
            p = end + 2;
        }
        if (sawLength && sawTransferEncoding) {
            throw new HttpError(400, "Content-Length with Transfer-Encoding");
        }
        if (sawTransferEncoding && !http11) {
            throw new HttpError(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        if (http11 && !host) {
            throw new HttpError(400, "no Host header");
        }
        if (sawTransferEncoding) {
            framing = CHUNKED;
        } else if (sawLength) {
            if (contentLength > o.maxBody) {
                throw new HttpError(413, "Content-Length " + contentLength + " above " + o.maxBody);
            }
            framing = contentLength > 0 ? LENGTH : NO_BODY;
        }
        if (!http11) {
            expectContinue = false; // only HTTP/1.1 clients wait for 100
        }
    }

    /** The end (index of the CR) of the line starting at {@code p}; a bare CR or LF is a 400. */
    private int lineEnd(int p) throws HttpError {
        for (int i = p; i < length; i++) {
            byte b = bytes[i];
            if (b == '\r') {
                if (i + 1 >= length || bytes[i + 1] != '\n') {
                    throw new HttpError(400, "bare CR");
                }
                return i;
            }
            if (b == '\n') {
                throw new HttpError(400, "bare LF");
            }
        }
        throw new HttpError(400, "unterminated line");
    }

    private void requestLine(int end) throws HttpError {
        int i = 0;
        while (i < end && isTchar(bytes[i])) {
            i++;
        }
        if (i == 0 || i >= end || bytes[i] != ' ') {
            throw new HttpError(400, "malformed method");
        }
        methodEnd = i;
        targetStart = ++i;
        while (i < end && bytes[i] > ' ' && bytes[i] != 0x7f) {
            i++;
        }
        if (i == targetStart || i >= end || bytes[i] != ' ') {
            throw new HttpError(400, "malformed request target");
        }
        targetEnd = i++;
        int vlen = end - i;
        if (vlen != 8 || !startsWith(i, "HTTP/1.")) {
            if (vlen == 8 && startsWith(i, "HTTP/") && isDigit(bytes[i + 5]) && bytes[i + 6] == '.' && isDigit(bytes[i + 7])) {
                throw new HttpError(505, "HTTP version not supported");
            }
            throw new HttpError(400, "malformed HTTP version");
        }
        byte minor = bytes[i + 7];
        if (minor == '1') {
            http11 = true;
        } else if (minor == '0') {
            http11 = false;
        } else if (isDigit(minor)) {
            throw new HttpError(505, "HTTP version not supported");
        } else {
            throw new HttpError(400, "malformed HTTP version");
        }
    }

    private void field(int p, int end, HttpServer.Options o) throws HttpError {
        if (headerCount >= o.maxHeaders) {
            throw new HttpError(431, "more than " + o.maxHeaders + " headers");
        }
        if (bytes[p] == ' ' || bytes[p] == '\t') {
            throw new HttpError(400, "obsolete line folding");
        }
        int i = p;
        while (i < end && isTchar(bytes[i])) {
            i++;
        }
        if (i == p || i >= end || bytes[i] != ':') {
            throw new HttpError(400, i < end && (bytes[i] == ' ' || bytes[i] == '\t')
                    ? "whitespace before a header colon" : "malformed header name");
        }
        int nameEnd = i++;
        while (i < end && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        int vs = i;
        int ve = end;
        while (ve > vs && (bytes[ve - 1] == ' ' || bytes[ve - 1] == '\t')) {
            ve--;
        }
        for (int k = vs; k < ve; k++) {
            int b = bytes[k] & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new HttpError(400, "control character in a header value");
            }
        }
        if (fields.length < 4 * (headerCount + 1)) {
            fields = java.util.Arrays.copyOf(fields, fields.length * 2);
        }
        int f = 4 * headerCount++;
        fields[f] = p;
        fields[f + 1] = nameEnd;
        fields[f + 2] = vs;
        fields[f + 3] = ve;
    }

    /** 1*DIGIT and nothing else (no sign, space, 0x, underscore), no overflow. */
    private long digits(int s, int e, String what) throws HttpError {
        if (s == e || e - s > 18) {
            throw new HttpError(400, "malformed " + what);
        }
        long v = 0;
        for (int i = s; i < e; i++) {
            if (!isDigit(bytes[i])) {
                throw new HttpError(400, "malformed " + what);
            }
            v = v * 10 + (bytes[i] - '0');
        }
        return v;
    }

    private void connectionTokens(int s, int e) {
        int i = s;
        while (i < e) {
            while (i < e && (bytes[i] == ',' || bytes[i] == ' ' || bytes[i] == '\t')) {
                i++;
            }
            int t = i;
            while (i < e && bytes[i] != ',' && bytes[i] != ' ' && bytes[i] != '\t') {
                i++;
            }
            if (equalsIgnoreCase(t, i, "close")) {
                connectionClose = true;
            } else if (equalsIgnoreCase(t, i, "keep-alive")) {
                connectionKeepAlive = true;
            }
        }
    }

    boolean isMethod(String m) {
        return methodEnd == m.length() && startsWith(0, m);
    }

    String method() {
        String m = method;
        if (m == null) {
            method = m = isMethod("GET") ? "GET" : isMethod("HEAD") ? "HEAD" : isMethod("POST") ? "POST"
                    : new String(bytes, 0, methodEnd, StandardCharsets.US_ASCII);
        }
        return m;
    }

    String target() {
        String t = target;
        if (t == null) {
            target = t = new String(bytes, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        }
        return t;
    }

    String header(String name) {
        for (int n = 0; n < headerCount; n++) {
            int f = 4 * n;
            if (equalsIgnoreCase(fields[f], fields[f + 1], name)) {
                return new String(bytes, fields[f + 2], fields[f + 3] - fields[f + 2], StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    Map<String, List<String>> headers() {
        Map<String, List<String>> m = headerMap;
        if (m == null) {
            m = new LinkedHashMap<>();
            for (int n = 0; n < headerCount; n++) {
                int f = 4 * n;
                String name = new String(bytes, fields[f], fields[f + 1] - fields[f], StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                String value = new String(bytes, fields[f + 2], fields[f + 3] - fields[f + 2], StandardCharsets.ISO_8859_1);
                m.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            m.replaceAll((k, v) -> Collections.unmodifiableList(v));
            headerMap = m = Collections.unmodifiableMap(m);
        }
        return m;
    }

    private boolean is(int s, int e, String lowerName) {
        return equalsIgnoreCase(s, e, lowerName);
    }

    private boolean equalsIgnoreCase(int s, int e, String ascii) {
        if (e - s != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            int a = bytes[s + i];
            int b = ascii.charAt(i);
            if (a != b && (a | 0x20) != (b | 0x20)) {
                return false;
            }
            if (a != b && !Character.isLetter(b)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWith(int at, String ascii) {
        if (at + ascii.length() > length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** RFC 9110 tchar. */
    static boolean isTchar(byte b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || isDigit(b)) {
            return true;
        }
        return switch (b) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
