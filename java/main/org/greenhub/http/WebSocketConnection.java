package org.greenhub.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.DataFormatException;
import org.greenhub.Timeout;
import org.greenhub.hub.Hub;
import org.greenhub.net.GreenSocket;

/**
 * The server side of a WebSocket connection: RFC 6455 framing, strictly. The reader
 * (one {@link #receive()} at a time) and the writers (one frame at a time) have a lock
 * each, so one green thread can receive while others send.
 *
 * <p>Reading a message is a state machine over {@link #in}: a frame header is consumed
 * only once all of it is buffered, and the message under assembly lives in fields, so
 * the only unrecoverable interruption is one in the middle of a frame's payload.
 */
final class WebSocketConnection implements WebSocket {
    private static final System.Logger LOG = System.getLogger("org.greenhub.http");
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;
    /** A frame this small goes out as one write, its header and payload copied together. */
    private static final int COPY_LIMIT = 16 * 1024;

    private final GreenSocket socket;
    private final PerMessageDeflate deflate; // null: not negotiated
    private final ReentrantLock reading = new ReentrantLock();
    private final ReentrantLock sending = new ReentrantLock();

    // ---- the reader's state (guarded by reading) ----
    private byte[] in = new byte[16 * 1024];
    private int inPos, inEnd;
    private boolean inputDone;        // a close frame arrived, or the connection failed
    private boolean inFrame;          // a frame's header was consumed and its payload not all of it
    private int messageOpcode = -1;   // TEXT or BINARY while a message is under assembly
    private boolean compressed;
    private byte[] message = new byte[1024];
    private int messageLen;
    private final Utf8Validator utf8 = new Utf8Validator();

    // ---- the writers' state (guarded by sending) ----
    private byte[] out = new byte[COPY_LIMIT + 14];
    private volatile boolean closeSent;
    private boolean outputBroken;

    WebSocketConnection(HttpConnection.Upgraded u, PerMessageDeflate.Agreement agreement) {
        this.socket = u.socket();
        this.deflate = agreement != null ? new PerMessageDeflate(agreement) : null;
        byte[] buffered = u.buffered();
        if (buffered.length > in.length) {
            in = new byte[buffered.length];
        }
        System.arraycopy(buffered, 0, in, 0, buffered.length);
        inEnd = buffered.length;
        // One timeout, set once, because the socket has one for both directions: it bounds
        // sends; receive() waits again when it expires.
        socket.setTimeout(u.sendTimeout());
    }

    // ---- sending ------------------------------------------------------------------------

    @Override
    public void send(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        sendMessage(TEXT, b);
    }

    @Override
    public void send(byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        sendMessage(BINARY, data);
    }

    @Override
    public void ping(byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("a ping carries at most 125 bytes, not " + payload.length);
        }
        sendControl(PING, payload, payload.length);
    }

    private void sendMessage(int opcode, byte[] b) throws IOException {
        sending.lock();
        try {
            checkOpen();
            if (deflate != null && deflate.compresses() && b.length > 0) { // an empty flush emits nothing: RFC 7692 wants 00
                int n = deflate.compress(b, 0, b.length);
                writeFrame(opcode, true, deflate.packed(), n);
            } else {
                writeFrame(opcode, false, b, b.length);
            }
        } finally {
            sending.unlock();
        }
    }

    private void sendControl(int opcode, byte[] payload, int len) throws IOException {
        sending.lock();
        try {
            checkOpen();
            writeFrame(opcode, false, payload, len);
        } finally {
            sending.unlock();
        }
    }

    private void checkOpen() throws IOException {
        if (closeSent || outputBroken) {
            throw new SocketException("the WebSocket is closed");
        }
    }

    /** Writes one unmasked frame with FIN set (the caller holds {@link #sending}). */
    private void writeFrame(int opcode, boolean rsv1, byte[] payload, int len) throws IOException {
        int h = 0;
        out[h++] = (byte) (0x80 | (rsv1 ? 0x40 : 0) | opcode);
        if (len < 126) {
            out[h++] = (byte) len;
        } else if (len < 65536) {
            out[h++] = 126;
            out[h++] = (byte) (len >>> 8);
            out[h++] = (byte) len;
        } else {
            out[h++] = 127;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[h++] = (byte) ((long) len >>> shift);
            }
        }
        boolean done = false;
        try {
            if (len <= COPY_LIMIT) {
                System.arraycopy(payload, 0, out, h, len);
                socket.sendAll(ByteBuffer.wrap(out, 0, h + len));
            } else {
                socket.sendAll(ByteBuffer.wrap(out, 0, h));
                socket.sendAll(ByteBuffer.wrap(payload, 0, len));
            }
            done = true;
        } finally {
            if (!done) {
                outputBroken = true; // part of a frame may be out: nothing can follow it
                closeSocket();
            }
        }
    }

    // ---- receiving ------------------------------------------------------------------------

    @Override
    public Object receive() throws IOException {
        reading.lock();
        try {
            if (inputDone) {
                return null;
            }
            boolean ok = false;
            try {
                Object m = readMessage();
                ok = true;
                return m;
            } catch (ProtocolError e) {
                ok = true;
                fail(e.code, e.getMessage());
                return null;
            } catch (EOFException | SocketException e) {
                ok = true;
                LOG.log(System.Logger.Level.DEBUG, "WebSocket connection ended without a close frame: " + e);
                inputDone = true;
                closeSocket();
                return null;
            } finally {
                if (!ok && inFrame) {
                    inputDone = true; // interrupted inside a frame: its rest is lost
                    closeSocket();
                }
            }
        } finally {
            reading.unlock();
        }
    }

    /** A violation of the protocol by the peer, and the close code it earns. */
    private static final class ProtocolError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        ProtocolError(int code, String why) {
            super(why, null, false, false);
            this.code = code;
        }
    }

    /** The next message, answering control frames on the way; null after a close frame. */
    private Object readMessage() throws IOException, ProtocolError {
        while (true) {
            need(2);
            int b0 = in[inPos] & 0xff, b1 = in[inPos + 1] & 0xff;
            int opcode = b0 & 0x0f;
            boolean fin = (b0 & 0x80) != 0, rsv1 = (b0 & 0x40) != 0;
            if ((b1 & 0x80) == 0) {
                throw new ProtocolError(1002, "a client frame must be masked");
            }
            if ((b0 & 0x30) != 0) {
                throw new ProtocolError(1002, "reserved bits RSV2/RSV3 set");
            }
            int len7 = b1 & 0x7f;
            int headerLen = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
            need(headerLen);
            long len = len7;
            if (len7 == 126) {
                len = (in[inPos + 2] & 0xff) << 8 | in[inPos + 3] & 0xff;
                if (len < 126) {
                    throw new ProtocolError(1002, "a payload length not in its shortest form");
                }
            } else if (len7 == 127) {
                len = 0;
                for (int i = 2; i < 10; i++) {
                    len = len << 8 | in[inPos + i] & 0xff;
                }
                if (len < 0) {
                    throw new ProtocolError(1002, "a 64-bit payload length with its top bit set");
                }
                if (len < 65536) {
                    throw new ProtocolError(1002, "a payload length not in its shortest form");
                }
            }
            int m = inPos + headerLen - 4;
            int mask = (in[m] & 0xff) << 24 | (in[m + 1] & 0xff) << 16 | (in[m + 2] & 0xff) << 8 | in[m + 3] & 0xff;

            if (opcode >= 8) {
                if (opcode > PONG) {
                    throw new ProtocolError(1002, "reserved control opcode " + opcode);
                }
                if (!fin) {
                    throw new ProtocolError(1002, "a fragmented control frame");
                }
                if (len > 125) {
                    throw new ProtocolError(1002, "a control frame longer than 125 bytes");
                }
                if (rsv1) {
                    throw new ProtocolError(1002, "RSV1 on a control frame");
                }
                inPos += headerLen;
                inFrame = true;
                byte[] payload = new byte[(int) len];
                readPayload(payload, 0, payload.length, mask);
                inFrame = false;
                if (opcode == PING) {
                    try {
                        sendControl(PONG, payload, payload.length);
                    } catch (SocketException closing) {
                        // a close is under way: the ping goes unanswered, as RFC 6455 5.5.2 allows
                    }
                } else if (opcode == CLOSE) {
                    onClose(payload);
                    return null;
                }
                continue; // a pong: nothing to do
            }

            if (opcode > BINARY) {
                throw new ProtocolError(1002, "reserved data opcode " + opcode);
            }
            if (opcode == CONTINUATION) {
                if (messageOpcode < 0) {
                    throw new ProtocolError(1002, "a continuation frame without a message to continue");
                }
                if (rsv1) {
                    throw new ProtocolError(1002, "RSV1 on a continuation frame");
                }
            } else {
                if (messageOpcode >= 0) {
                    throw new ProtocolError(1002, "a new message before the fragmented one ended");
                }
                if (rsv1 && deflate == null) {
                    throw new ProtocolError(1002, "RSV1 set without permessage-deflate");
                }
                messageOpcode = opcode;
                compressed = rsv1;
                messageLen = 0;
                utf8.reset();
            }
            if (messageLen + len > MAX_MESSAGE) {
                throw new ProtocolError(1009, "a message over " + MAX_MESSAGE + " bytes");
            }
            inPos += headerLen;
            inFrame = true;
            readPayloadIntoMessage((int) len, mask);
            inFrame = false;
            if (fin) {
                return finishMessage();
            }
        }
    }

    /** Appends a frame's payload to the message, growing it as bytes arrive (not as the header claims). */
    private void readPayloadIntoMessage(int len, int mask) throws IOException, ProtocolError {
        int start = messageLen;
        int done = 0;
        while (done < len) {
            int chunk = Math.min(len - done, 64 * 1024);
            if (message.length < messageLen + chunk + 4) { // + 4: room for the deflate tail
                message = Arrays.copyOf(message, (int) Math.min(MAX_MESSAGE + 4L,
                        Math.max(message.length * 2L, messageLen + chunk + 4L)));
            }
            readPayload(message, messageLen, chunk, mask, done);
            messageLen += chunk;
            done += chunk;
        }
        if (messageOpcode == TEXT && !compressed && !utf8.feed(message, start, len)) {
            throw new ProtocolError(1007, "invalid UTF-8 in a text message");
        }
    }

    private Object finishMessage() throws ProtocolError {
        int opcode = messageOpcode;
        messageOpcode = -1;
        byte[] data = message;
        int len = messageLen;
        messageLen = 0;
        if (compressed) {
            try {
                data = deflate.decompress(message, len, MAX_MESSAGE);
            } catch (DataFormatException e) {
                throw new ProtocolError(1007, "a compressed message that does not inflate: " + e.getMessage());
            }
            if (data == null) {
                throw new ProtocolError(1009, "a message that inflates past " + MAX_MESSAGE + " bytes");
            }
            len = data.length;
            if (opcode == TEXT && !Utf8Validator.valid(data, 0, len)) {
                throw new ProtocolError(1007, "invalid UTF-8 in a text message");
            }
        } else if (opcode == TEXT && !utf8.complete()) {
            throw new ProtocolError(1007, "a text message ends inside a UTF-8 character");
        }
        Object result = opcode == TEXT ? new String(data, 0, len, StandardCharsets.UTF_8)
                : data == message ? Arrays.copyOf(data, len) : data;
        if (message.length > 64 * 1024) {
            message = new byte[1024]; // a large message does not pin its buffer
        }
        return result;
    }

    /** A close frame from the peer: checks it, answers it (unless we closed first), closes TCP. */
    private void onClose(byte[] p) throws ProtocolError {
        int code = -1;
        if (p.length == 1) {
            throw new ProtocolError(1002, "a close frame with a 1-byte payload");
        }
        if (p.length >= 2) {
            code = (p[0] & 0xff) << 8 | p[1] & 0xff;
            if (!sendable(code)) {
                throw new ProtocolError(1002, "close code " + code + " may not be sent");
            }
            if (!Utf8Validator.valid(p, 2, p.length - 2)) {
                throw new ProtocolError(1007, "invalid UTF-8 in the close reason");
            }
        }
        inputDone = true;
        sendCloseQuietly(code, "");
        closeSocket(); // RFC 6455 7.1.1: the server closes the TCP connection first
    }

    /** Close codes an endpoint may put on the wire (RFC 6455 7.4, and the IANA registry's 1012-1014). */
    private static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** Fails the connection (RFC 6455 7.1.7): a close frame with {@code code}, then TCP closes. */
    private void fail(int code, String why) {
        LOG.log(System.Logger.Level.DEBUG, "WebSocket client broke the protocol (" + code + "): " + why);
        inputDone = true;
        messageOpcode = -1;
        sendCloseQuietly(code, "");
        closeSocket();
    }

    /** Ensures {@code n} unread bytes in {@link #in}; receive() has no timeout, so an expired socket timeout just waits again. */
    private void need(int n) throws IOException {
        while (inEnd - inPos < n) {
            if (inPos == inEnd) {
                inPos = inEnd = 0;
            } else if (in.length - inPos < n) {
                System.arraycopy(in, inPos, in, 0, inEnd - inPos);
                inEnd -= inPos;
                inPos = 0;
            }
            int k;
            try {
                k = socket.recv(in, inEnd, in.length - inEnd);
            } catch (SocketTimeoutException idle) {
                continue;
            }
            if (k < 0) {
                throw new EOFException("end of stream");
            }
            inEnd += k;
        }
    }

    private void readPayload(byte[] dst, int off, int len, int mask) throws IOException {
        readPayload(dst, off, len, mask, 0);
    }

    /**
     * Reads {@code len} payload bytes into {@code dst[off, off+len)} and unmasks them;
     * {@code pos} is their offset in the frame's payload (the mask repeats every 4 bytes).
     */
    private void readPayload(byte[] dst, int off, int len, int mask, int pos) throws IOException {
        int done = 0;
        while (done < len) {
            int k;
            if (inPos < inEnd) {
                k = Math.min(len - done, inEnd - inPos);
                System.arraycopy(in, inPos, dst, off + done, k);
                inPos += k;
            } else if (len - done >= in.length) {
                try {
                    k = socket.recv(dst, off + done, len - done); // large: straight into place
                } catch (SocketTimeoutException idle) {
                    continue;
                }
                if (k < 0) {
                    throw new EOFException("end of stream inside a frame");
                }
            } else {
                need(1);
                continue;
            }
            done += k;
        }
        unmask(dst, off, len, mask, pos);
    }

    private static void unmask(byte[] b, int off, int len, int mask, int pos) {
        for (int i = 0; i < len; i++) {
            int shift = 24 - 8 * ((pos + i) & 3);
            b[off + i] ^= (byte) (mask >>> shift);
        }
    }

    // ---- closing ----------------------------------------------------------------------

    @Override
    public void close() throws IOException {
        close(1000, "");
    }

    @Override
    public void close(int code, String reason) throws IOException {
        if (!sendable(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent (1000-1003, 1007-1014, 3000-4999)");
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        if (r.length > 123) {
            throw new IllegalArgumentException("a close reason has at most 123 bytes in UTF-8, not " + r.length);
        }
        closeQuietly(code, reason);
    }

    /**
     * Sends a close frame (unless one was sent), then waits at most {@link #CLOSE_TIMEOUT}
     * for the peer's, reading and dropping messages, and closes TCP.
     */
    void closeQuietly(int code, String reason) {
        sendCloseQuietly(code, reason);
        boolean locked = false;
        try {
            locked = reading.tryLock(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            if (locked && !inputDone && !inFrame) {
                awaitPeerClose();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (locked) {
                reading.unlock();
            }
            closeSocket();
        }
    }

    /** The end of the close handshake: frames until the peer's close, within the timeout (the caller holds {@link #reading}). */
    private void awaitPeerClose() {
        RuntimeException expired = new RuntimeException("close timeout");
        Timeout t = Timeout.start(CLOSE_TIMEOUT, expired);
        try {
            while (!inputDone) {
                readMessage();
            }
        } catch (RuntimeException e) {
            if (e != expired) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "WebSocket peer did not answer the close within " + CLOSE_TIMEOUT);
        } catch (IOException | ProtocolError e) {
            // the peer went away or broke the protocol while we were closing: close anyway
        } finally {
            t.cancel();
            inputDone = true;
        }
    }

    /** Killed: a close frame if it can go out at once, then TCP closes without waiting. */
    void abort(int code, String reason) {
        if (sending.tryLock()) {
            try {
                if (!closeSent && !outputBroken) {
                    closeSent = true;
                    byte[] p = closePayload(code, reason);
                    writeFrame(CLOSE, false, p, p.length);
                }
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            } finally {
                sending.unlock();
            }
        }
        closeSocket();
    }

    /** The server is stopping: sends 1001 and closes TCP after the close timeout if the handshake has not ended it. */
    void goingAway() {
        sendCloseQuietly(1001, "server stopping");
        try {
            Hub.current().schedule(CLOSE_TIMEOUT, this::closeSocket);
        } catch (RuntimeException e) {
            closeSocket(); // no hub to wait on: close now
        }
    }

    private void sendCloseQuietly(int code, String reason) {
        sending.lock();
        try {
            if (closeSent || outputBroken) {
                return;
            }
            closeSent = true;
            byte[] p = closePayload(code, reason);
            writeFrame(CLOSE, false, p, p.length);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "WebSocket close frame not sent: " + e);
        } finally {
            sending.unlock();
        }
    }

    /** The payload of a close frame: the code (none when negative) and the reason. */
    private static byte[] closePayload(int code, String reason) {
        if (code < 0) {
            return new byte[0];
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed anyway
        }
    }

    /** After the handler: the socket is closed and the codecs' native memory freed. */
    void release() {
        closeSocket();
        if (deflate != null) {
            reading.lock(); // in the readers' order: reading, then sending (a reader sends pongs)
            sending.lock();
            try {
                closeSent = true; // no send may touch the ended codec
                deflate.end();
            } finally {
                sending.unlock();
                reading.unlock();
            }
        }
    }
}
