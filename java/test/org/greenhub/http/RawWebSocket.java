package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A WebSocket client written for the tests, byte by byte over a plain java.net.Socket on
 * a platform thread (RFC 6455, and RFC 7692's permessage-deflate when asked): it writes
 * masked frames exactly as told (reserved bits, opcodes, length forms, fragments, broken
 * payloads), and reads the server's frames checking what every server frame must be
 * (unmasked, minimal length form).
 */
final class RawWebSocket implements AutoCloseable {
    static final int CONT = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;
    static final int RSV1 = 4, RSV2 = 2, RSV3 = 1;
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** One frame as the server sent it; {@code lengthForm} is 7, 16 or 64 (the bits its length took). */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload, int lengthForm) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        @Override
        public String toString() {
            String p = payload.length <= 64 ? java.util.HexFormat.of().formatHex(payload) : payload.length + " bytes";
            return "Frame[fin=" + fin + " rsv=" + rsv + " opcode=" + opcode + " payload=" + p
                    + (opcode == CLOSE ? " code=" + closeCode() : "") + "]";
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;
    /** The 101 response head, as sent. */
    final String head;
    private final Random random = new Random(6455);

    // permessage-deflate, once negotiated (see deflate())
    private boolean deflate;
    private boolean resetDeflater;   // client_no_context_takeover: the client resets its compressor per message
    private boolean resetInflater;   // server_no_context_takeover: the server must have reset its own
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private Inflater inflater = new Inflater(true);

    private RawWebSocket(Socket socket, String head) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.head = head;
    }

    /** The key's expected Sec-WebSocket-Accept (RFC 6455 section 4.2.2). */
    static String accept(String key) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha);
    }

    /** Opens a WebSocket to {@code at}; {@code extraHeaders} are whole header lines. Fails the test unless it gets 101. */
    static RawWebSocket open(InetSocketAddress at, String... extraHeaders) throws Exception {
        byte[] nonce = new byte[16];
        new Random().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder req = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + at.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
            req.append(h).append("\r\n");
        }
        req.append("\r\n");
        Socket s = new Socket(at.getAddress(), at.getPort());
        try {
            s.setSoTimeout(20_000);
            s.setTcpNoDelay(true);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 101 "), "101 Switching Protocols:\n" + head);
            RawWebSocket ws = new RawWebSocket(s, head);
            assertEquals("websocket", ws.header("Upgrade").toLowerCase(Locale.ROOT), head);
            assertTrue(tokens(ws.header("Connection")).contains("upgrade"), head);
            assertEquals(accept(key), ws.header("Sec-WebSocket-Accept"), head);
            return ws;
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    /** Reads a response head up to and including its blank line. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("end of stream in a response head: " + head);
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** The value of header {@code name} in {@code head} (case-insensitive), or null; several lines are joined with ", ". */
    static String header(String head, String name) {
        String found = null;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                String v = line.substring(colon + 1).trim();
                found = found == null ? v : found + ", " + v;
            }
        }
        return found;
    }

    String header(String name) {
        return header(head, name);
    }

    static List<String> tokens(String value) {
        List<String> t = new ArrayList<>();
        if (value != null) {
            for (String p : value.split(",")) {
                t.add(p.trim().toLowerCase(Locale.ROOT));
            }
        }
        return t;
    }

    /**
     * The extensions a Sec-WebSocket-Extensions value names, each with its parameters
     * (a parameter without a value maps to "").
     */
    static Map<String, Map<String, String>> extensions(String value) {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        if (value == null) {
            return all;
        }
        for (String ext : value.split(",")) {
            String[] parts = ext.split(";");
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String v = eq < 0 ? "" : p.substring(eq + 1).trim().replace("\"", "");
                assertNull(params.put(name, v), "parameter " + name + " given once in " + value);
            }
            assertNull(all.put(parts[0].trim().toLowerCase(Locale.ROOT), params), "one answer per extension: " + value);
        }
        return all;
    }

    // ---- writing ------------------------------------------------------------------------

    /** A masked client frame: {@code lengthForm} 0 picks the minimal form, else 7, 16 or 64. */
    byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, int lengthForm) {
        return encode(fin, rsv, opcode, payload, lengthForm, true);
    }

    byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, int lengthForm, boolean mask) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int form = lengthForm != 0 ? lengthForm : payload.length < 126 ? 7 : payload.length < 65536 ? 16 : 64;
        writeLength(f, mask, form, payload.length);
        if (mask) {
            byte[] key = new byte[4];
            random.nextBytes(key);
            f.writeBytes(key);
            byte[] masked = payload.clone();
            for (int i = 0; i < masked.length; i++) {
                masked[i] ^= key[i & 3];
            }
            f.writeBytes(masked);
        } else {
            f.writeBytes(payload);
        }
        return f.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream f, boolean mask, int form, long n) {
        int m = mask ? 0x80 : 0;
        switch (form) {
            case 7 -> f.write(m | (int) n);
            case 16 -> {
                f.write(m | 126);
                f.write((int) (n >>> 8) & 0xff);
                f.write((int) n & 0xff);
            }
            case 64 -> {
                f.write(m | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    f.write((int) (n >>> shift) & 0xff);
                }
            }
            default -> throw new IllegalArgumentException("length form " + form);
        }
    }

    /** Only the head of a masked frame declaring {@code length} payload bytes (7-bit form when it fits). */
    byte[] headerOnly(boolean fin, int opcode, long length) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        writeLength(f, true, length < 126 ? 7 : length < 65536 ? 16 : 64, length);
        f.writeBytes(new byte[] {1, 2, 3, 4});
        return f.toByteArray();
    }

    private volatile ByteArrayOutputStream corked; // non-null: writes are gathered for one write
    private volatile Thread corker;

    void write(byte[] bytes) throws IOException {
        if (corked != null && Thread.currentThread() == corker) {
            corked.writeBytes(bytes);
            return;
        }
        out.write(bytes);
        out.flush();
    }

    interface Writes {
        void run() throws Exception;
    }

    /**
     * Runs {@code writes} gathering what they write, then writes it all at once: frames
     * after a violation reach the server together with it (a server that fails the
     * connection closes it, and a second write of ours would then fail with a broken pipe).
     */
    void inOneWrite(Writes writes) throws Exception {
        corker = Thread.currentThread();
        corked = new ByteArrayOutputStream();
        try {
            writes.run();
        } finally {
            byte[] all = corked.toByteArray();
            corked = null;
            if (all.length <= 65536) {
                write(all); // fits the socket's buffers: done before the server can act on it
            } else {
                writeInBackground(all); // the server may refuse it half-way
            }
        }
    }

    /** Writes {@code bytes} from another thread, ignoring a connection the server has already closed. */
    void writeInBackground(byte[] bytes) {
        if (corked != null) {
            corked.writeBytes(bytes);
            return;
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                write(bytes);
            } catch (IOException ignored) {
                // the server refused the message and closed: what the test checks
            }
        });
    }

    void frame(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
        write(encode(fin, rsv, opcode, payload, 0));
    }

    void send(int opcode, byte[] payload) throws IOException {
        frame(true, 0, opcode, payload);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendClose(int code, String reason) throws IOException {
        send(CLOSE, closePayload(code, reason));
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    // ---- permessage-deflate -------------------------------------------------------------

    /**
     * Turns on permessage-deflate as negotiated: {@code clientNoContextTakeover} resets
     * this side's compressor after each message; {@code serverNoContextTakeover} inflates
     * each server message with a fresh decompressor, which fails unless the server reset
     * its compressor too.
     */
    RawWebSocket deflate(boolean clientNoContextTakeover, boolean serverNoContextTakeover) {
        deflate = true;
        resetDeflater = clientNoContextTakeover;
        resetInflater = serverNoContextTakeover;
        return this;
    }

    /** {@code data} compressed as one message (RFC 7692 section 7.2.1: sync flush, the 4-byte tail removed). */
    byte[] compress(byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            o.write(buf, 0, n);
        } while (n == buf.length);
        if (resetDeflater) {
            deflater.reset();
        }
        byte[] c = o.toByteArray();
        if (c.length == 0) {
            return new byte[] {0}; // nothing was flushed for an empty input: an empty stored block (RFC 7692 7.2.3.6)
        }
        byte[] tail = java.util.Arrays.copyOfRange(c, c.length - 4, c.length);
        assertArrayEquals(TAIL, tail, "a sync flush ends with 00 00 ff ff");
        return java.util.Arrays.copyOf(c, c.length - 4);
    }

    /** A whole message compressed into one frame with RSV1. */
    void sendCompressed(int opcode, byte[] data) throws IOException {
        frame(true, RSV1, opcode, compress(data));
    }

    byte[] inflate(byte[] payload) throws DataFormatException {
        if (resetInflater) {
            inflater = new Inflater(true);
        }
        byte[] input = new byte[payload.length + 4];
        System.arraycopy(payload, 0, input, 0, payload.length);
        System.arraycopy(TAIL, 0, input, payload.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (true) {
            int n = inflater.inflate(buf);
            o.write(buf, 0, n);
            assertFalse(inflater.needsDictionary(), "no preset dictionary in permessage-deflate");
            if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                break;
            }
        }
        assertEquals(0, inflater.getRemaining(), "the message's deflate data is all used");
        return o.toByteArray();
    }

    // ---- reading ------------------------------------------------------------------------

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection in the middle of a frame or before one");
        }
        return b;
    }

    /** Reads the server's next frame; fails unless it is unmasked and its length takes the minimal form. */
    Frame read() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        assertEquals(0, b1 & 0x80, "server frames are never masked (RFC 6455 5.1)");
        long n = b1 & 0x7f;
        int form = 7;
        if (n == 126) {
            n = ((long) readByte() << 8) | readByte();
            form = 16;
            assertTrue(n >= 126, "minimal length form (RFC 6455 5.2): " + n + " in 16 bits");
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | readByte();
            }
            form = 64;
            assertTrue(n >= 65536, "minimal length form (RFC 6455 5.2): " + n + " in 64 bits");
        }
        assertTrue(n <= Integer.MAX_VALUE, "a frame of " + n + " bytes");
        byte[] payload = in.readNBytes((int) n);
        if (payload.length != n) {
            throw new EOFException("the server closed the connection after " + payload.length + " of " + n + " payload bytes");
        }
        int opcode = b0 & 0x0f;
        Frame f = new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, opcode, payload, form);
        if (opcode >= CLOSE) {
            assertTrue(f.fin(), "control frames are never fragmented: " + f);
            assertTrue(payload.length <= 125, "control frames carry at most 125 bytes: " + f);
        }
        if (f.rsv() != 0) {
            assertTrue(deflate && f.rsv() == RSV1 && (opcode == TEXT || opcode == BINARY),
                    "reserved bits only for permessage-deflate, on data frames: " + f);
        }
        return f;
    }

    /** The next server frame, which must be a whole (unfragmented) data message of type {@code opcode}; inflated when compressed. */
    byte[] readMessage(int opcode) throws Exception {
        Frame f = read();
        assertEquals(opcode, f.opcode(), "a " + (opcode == TEXT ? "text" : "binary") + " message, got " + f);
        assertTrue(f.fin(), "the server sends every message in one frame: " + f);
        if (f.rsv() == RSV1) {
            assertTrue(f.payload().length > 0, "RFC 7692 7.2.1: a compressed message is never empty (an empty one compresses to"
                    + " 00, an empty stored block without its last 4 bytes); an empty payload leaves the peer's inflater"
                    + " inside a stored block and corrupts the next message: " + f);
            return inflate(f.payload());
        }
        return f.payload();
    }

    String readText() throws Exception {
        return strictUtf8(readMessage(TEXT));
    }

    byte[] readBinary() throws Exception {
        return readMessage(BINARY);
    }

    static String strictUtf8(byte[] b) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    }

    /** The server's next frame must be a pong carrying {@code payload}. */
    void expectPong(byte[] payload) throws IOException {
        Frame f = read();
        assertEquals(PONG, f.opcode(), "a pong: " + f);
        assertArrayEquals(payload, f.payload(), "the pong carries the ping's payload");
    }

    /**
     * The server's next frame must be a close with {@code code} (and a reason in valid
     * UTF-8), and then the connection must end: nothing more is sent, then end of stream.
     */
    Frame expectClose(int code) throws IOException {
        Frame f = read();
        assertEquals(CLOSE, f.opcode(), "a close frame with " + code + ", got " + f);
        assertEquals(code, f.closeCode(), "the close code: " + f);
        assertDoesNotThrow(() -> strictUtf8(java.util.Arrays.copyOfRange(f.payload(), 2, f.payload().length)),
                "the close reason is UTF-8");
        expectEnd();
        return f;
    }

    /** The server must send nothing more and close the TCP connection (an end of stream, or a reset after unread input). */
    void expectEnd() throws IOException {
        try {
            int b = in.read();
            assertEquals(-1, b, "nothing after the close frame, then the TCP connection ends");
        } catch (SocketException e) {
            // a reset: the server closed with bytes of ours still unread (e.g. the body of a refused frame)
            assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset"), e.toString());
        }
    }

    /** Sends a close 1000, expects it echoed, and the server to end the connection. */
    void closeCleanly() throws IOException {
        sendClose(1000, "done");
        expectClose(1000);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
