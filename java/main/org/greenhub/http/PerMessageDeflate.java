package org.greenhub.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692): the negotiation, and one connection's compressor and
 * decompressor. java.util.zip always compresses with a 32 KiB window, so when the client
 * limits the server's window ({@code server_max_window_bits} below 15) the offer is
 * accepted and the server sends its messages uncompressed, which the extension allows.
 */
final class PerMessageDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** What both sides agreed to. */
    record Agreement(boolean serverNoContextTakeover, boolean clientNoContextTakeover, int serverMaxWindowBits) {
        /** The value of the response's {@code Sec-WebSocket-Extensions}. */
        String response() {
            StringBuilder b = new StringBuilder("permessage-deflate");
            if (serverNoContextTakeover) {
                b.append("; server_no_context_takeover");
            }
            if (clientNoContextTakeover) {
                b.append("; client_no_context_takeover");
            }
            if (serverMaxWindowBits < 15) {
                b.append("; server_max_window_bits=").append(serverMaxWindowBits);
            }
            return b.toString();
        }

        /** Whether the server compresses what it sends. */
        boolean compresses() {
            return serverMaxWindowBits == 15;
        }
    }

    /** The first valid permessage-deflate offer among the request's extension headers, or null. */
    static Agreement negotiate(List<String> headers) {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String offer : splitOutsideQuotes(header, ',')) {
                Agreement a = offer(offer);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    /** One offer: {@code permessage-deflate} with valid, non-repeated parameters; else null. */
    private static Agreement offer(String offer) {
        List<String> parts = splitOutsideQuotes(offer, ';');
        if (!parts.get(0).trim().equalsIgnoreCase("permessage-deflate")) {
            return null;
        }
        boolean serverNoTakeover = false, clientNoTakeover = false, clientBits = false;
        int serverBits = -1;
        for (String p : parts.subList(1, parts.size())) {
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : unquote(p.substring(eq + 1).trim());
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (serverNoTakeover || value != null) {
                        return null;
                    }
                    serverNoTakeover = true;
                }
                case "client_no_context_takeover" -> {
                    if (clientNoTakeover || value != null) {
                        return null;
                    }
                    clientNoTakeover = true;
                }
                case "server_max_window_bits" -> {
                    if (serverBits >= 0 || (serverBits = windowBits(value)) < 0) {
                        return null;
                    }
                }
                case "client_max_window_bits" -> {
                    // The client may limit its own window: any window inflates with ours.
                    if (clientBits || value != null && windowBits(value) < 0) {
                        return null;
                    }
                    clientBits = true;
                }
                default -> {
                    return null;
                }
            }
        }
        return new Agreement(serverNoTakeover, clientNoTakeover, serverBits < 0 ? 15 : serverBits);
    }

    /** 8 to 15, written as 1*DIGIT without a leading zero; -1 otherwise. */
    private static int windowBits(String v) {
        if (v == null || !v.matches("[1-9][0-9]?")) {
            return -1;
        }
        int bits = Integer.parseInt(v);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"' ? v.substring(1, v.length() - 1) : v;
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    // ---- one connection's codec ------------------------------------------------------

    private final Agreement agreement;
    private final Deflater deflater;
    private final Inflater inflater = new Inflater(true);
    private byte[] packed = new byte[1024];

    PerMessageDeflate(Agreement agreement) {
        this.agreement = agreement;
        this.deflater = agreement.compresses() ? new Deflater(Deflater.DEFAULT_COMPRESSION, true) : null;
    }

    boolean compresses() {
        return deflater != null;
    }

    /**
     * Compresses one message (the caller holds the send lock): the payload is
     * {@code packed()[0, n)} for the returned n.
     */
    int compress(byte[] b, int off, int len) {
        deflater.setInput(b, off, len);
        int n = 0;
        while (true) {
            if (n == packed.length) {
                packed = java.util.Arrays.copyOf(packed, packed.length * 2);
            }
            int k = deflater.deflate(packed, n, packed.length - n, Deflater.SYNC_FLUSH);
            n += k;
            if (n < packed.length) {
                break; // the flush fitted: all of the input is out
            }
        }
        if (agreement.serverNoContextTakeover()) {
            deflater.reset();
        }
        // RFC 7692 7.2.1: the sync flush's empty block 00 00 ff ff is left off.
        return n >= 4 && packed[n - 4] == 0 && packed[n - 3] == 0 && packed[n - 2] == -1 && packed[n - 1] == -1 ? n - 4 : n;
    }

    byte[] packed() {
        return packed;
    }

    /**
     * Decompresses one message whose payload is {@code b[0, len)} ({@code b} has room for
     * 4 more bytes); at most {@code limit} bytes come out.
     *
     * @return the message, or null when it inflates past {@code limit}
     * @throws DataFormatException when the payload is not deflate data
     */
    byte[] decompress(byte[] b, int len, int limit) throws DataFormatException {
        System.arraycopy(TAIL, 0, b, len, 4);
        inflater.setInput(b, 0, len + 4);
        byte[] out = new byte[Math.min(limit + 1, Math.max(256, len * 4))];
        int n = 0;
        while (true) {
            if (n == out.length) {
                if (n > limit) {
                    inflater.reset();
                    return null; // a deflate bomb stops here, having made limit + 1 bytes
                }
                out = java.util.Arrays.copyOf(out, (int) Math.min(limit + 1L, out.length * 2L));
            }
            int k = inflater.inflate(out, n, out.length - n);
            n += k;
            if (k == 0 && n < out.length) {
                if (inflater.needsDictionary()) {
                    throw new DataFormatException("a preset dictionary is not part of permessage-deflate");
                }
                break; // needs input (all consumed) or finished
            }
        }
        if (n > limit) {
            inflater.reset();
            return null;
        }
        if (inflater.finished() || agreement.clientNoContextTakeover()) {
            inflater.reset(); // a final block ends the stream; a new message starts afresh
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** Frees the native memory of both codecs. */
    void end() {
        if (deflater != null) {
            deflater.end();
        }
        inflater.end();
    }
}
