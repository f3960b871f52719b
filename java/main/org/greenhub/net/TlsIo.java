package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.greenhub.internal.hub.Poller;
import org.greenhub.internal.hub.PollState;

/**
 * TLS over another socket's {@link StreamIo}: an SSLEngine between the green socket
 * and the network. Like every SocketIo it never waits: {@link #read} returns 0 when
 * the engine needs more network bytes and the inner read would block, {@link #write}
 * returns 0 when encrypted output cannot be flushed yet, {@link #handshake} and
 * {@link #shutdownOutput} say when they must be called again. {@link #state()} is the
 * inner socket's, so {@link GreenSocket} (and {@link GreenTls}, which drives the
 * handshake) waits for readiness exactly as for plain TCP.
 *
 * <p>The three buffers are kept in fill mode (data in {@code [0, position)}).
 * Output produced while reading (a TLS 1.3 KeyUpdate answer, a TLS 1.2 close_notify
 * reply) that cannot be flushed at once stays in {@code netOut}; the next read or
 * write flushes it first (a read never fails for it: a broken connection is reported
 * by the next write). A record written by {@link #write} counts as written only
 * once it is on the wire: until then {@code src} is not advanced and write returns 0,
 * so {@code sendAll} never returns with bytes still queued here.
 *
 * <p>Locks: {@code inLock} guards the inbound buffers, {@code outLock} the outbound
 * one; a reader takes inLock then outLock, a writer outLock only. Nothing under
 * them waits, so one green thread reading while another writes (full duplex) works.
 */
final class TlsIo implements StreamIo {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final GreenSocket plain;  // the socket TLS was layered over: closing goes through it
    private final StreamIo net;       // its io
    private final SSLEngine engine;
    private final Object inLock = new Object();
    private final Object outLock = new Object();
    private ByteBuffer netIn;   // encrypted bytes read, not yet unwrapped
    private ByteBuffer appIn;   // decrypted bytes not yet returned
    private ByteBuffer netOut;  // encrypted bytes not yet written
    private boolean inEof;      // close_notify or raw end of stream seen
    private int owed;           // bytes of owedFor already wrapped, not yet reported (still in netOut)
    private ByteBuffer owedFor;
    private boolean handshaking; // beginHandshake was called

    TlsIo(GreenSocket plain, SSLEngine engine) {
        this.plain = plain;
        this.net = plain.io();
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /**
     * Advances the handshake as far as it can without waiting: 0 once it has finished,
     * else the readiness ({@code Poller.READ} or {@code Poller.WRITE}) to wait for before
     * calling again.
     */
    int handshake() throws IOException {
        if (!handshaking) {
            handshaking = true;
            engine.beginHandshake();
        }
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    synchronized (outLock) {
                        wrap(EMPTY);
                    }
                    if (!flush()) {
                        return Poller.WRITE;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!flush()) {
                        return Poller.WRITE;
                    }
                    boolean progress;
                    synchronized (inLock) {
                        progress = unwrapOnce() || readNet() != 0;
                    }
                    if (inEof) {
                        throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
                    }
                    if (!progress) {
                        return Poller.READ;
                    }
                }
                default -> { // FINISHED or NOT_HANDSHAKING
                    return flush() ? 0 : Poller.WRITE;
                }
            }
        }
    }

    @Override
    public PollState state() {
        return net.state();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        synchronized (inLock) {
            flushQuietly(); // output left over from an earlier read
            while (true) {
                if (appIn.position() > 0) {
                    return deliver(dst);
                }
                if (inEof) {
                    return -1;
                }
                if (!unwrapOnce() && readNet() == 0) {
                    return 0;
                }
            }
        }
    }

    /**
     * Reads encrypted bytes into netIn (caller holds inLock): the count, 0 when it would
     * block, -1 at end of stream. A raw end of stream without close_notify (a truncation,
     * or an HTTP server that just closes) ends the stream all the same.
     */
    private int readNet() throws IOException {
        if (!netIn.hasRemaining()) { // never read into a full buffer: 0 would look like "would block"
            netIn = enlarge(netIn, engine.getSession().getPacketBufferSize());
        }
        int n = net.read(netIn);
        if (n < 0) {
            inEof = true;
        }
        return n;
    }

    /** The plain socket underneath may have been closed directly. */
    private void ensureOpen() throws SocketException {
        if (!plain.isOpen()) {
            throw new SocketException("Socket closed");
        }
    }

    private int deliver(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(appIn.slice(appIn.position(), n));
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    /**
     * Unwraps what netIn holds into appIn (caller holds inLock); false when the
     * engine needs more network bytes first.
     */
    private boolean unwrapOnce() throws IOException {
        if (netIn.position() == 0) {
            return false;
        }
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (r.getStatus()) {
            case BUFFER_OVERFLOW -> {
                appIn = enlarge(appIn, engine.getSession().getApplicationBufferSize());
                return true;
            }
            case BUFFER_UNDERFLOW -> {
                int packet = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < packet) {
                    netIn = enlarge(netIn, packet - netIn.position());
                }
                return false;
            }
            case CLOSED -> inEof = true; // the peer's close_notify
            default -> { }
        }
        switch (r.getHandshakeStatus()) {
            case NEED_TASK -> runTasks();
            case NEED_WRAP -> {
                // A post-handshake message wants an answer (KeyUpdate, a TLS 1.2 close_notify
                // reply). Queue it and flush what the socket takes now; the rest goes out first
                // on the next read or write.
                if (!engine.isOutboundDone()) {
                    synchronized (outLock) {
                        wrap(EMPTY);
                    }
                    flushQuietly();
                }
            }
            default -> { }
        }
        // A TLS 1.3 NewSessionTicket is consumed and produces no application bytes: progress all the same.
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0 || r.getStatus() == SSLEngineResult.Status.CLOSED;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        synchronized (outLock) {
            if (!flush()) {
                return 0;
            }
            if (owed > 0) {
                int n = owed;
                boolean sameCall = owedFor == src;
                owed = 0;
                owedFor = null;
                if (sameCall) { // the record wrapped from src earlier is now on the wire
                    src.position(src.position() + n);
                    return n;
                }
                // Otherwise that call gave up (a timeout): its bytes went out anyway, as with a plain socket.
            }
            // src only advances once its record has been written, so a 0 here means "nothing sent, retry".
            ByteBuffer view = src.duplicate();
            while (true) {
                int consumed = wrap(view);
                if (!flush()) {
                    if (consumed > 0) {
                        owed = consumed;
                        owedFor = src;
                    }
                    return 0;
                }
                if (consumed > 0) {
                    src.position(src.position() + consumed);
                    return consumed;
                }
            }
        }
    }

    /** Wraps from src into netOut (caller holds outLock); the bytes of src consumed. */
    private int wrap(ByteBuffer src) throws IOException {
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    netOut = enlarge(netOut, engine.getSession().getPacketBufferSize());
                    continue;
                }
                case CLOSED -> {
                    if (src.hasRemaining() && r.bytesProduced() == 0) {
                        throw new SocketException("TLS output is closed (shutdownOutput or close_notify sent)");
                    }
                }
                default -> { }
            }
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (src.hasRemaining() && r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                // Only a renegotiation (TLS 1.2) gets here: waiting could never make progress.
                throw new SSLException("TLS renegotiation is not supported by greenhub (handshake status "
                        + r.getHandshakeStatus() + ")");
            }
            return r.bytesConsumed();
        }
    }

    /** Writes netOut to the network; true when it is empty, false when the write would block. */
    private boolean flush() throws IOException {
        synchronized (outLock) {
            while (netOut.position() > 0) {
                netOut.flip();
                int n;
                try {
                    n = net.write(netOut);
                } finally {
                    netOut.compact();
                }
                if (n == 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Best effort, for output a read produced: a broken connection is not the reader's
     * error (there may still be bytes to read); the next write reports it.
     */
    private void flushQuietly() {
        try {
            flush();
        } catch (IOException writeSideBroken) {
            // left in netOut; write() fails on it
        }
    }

    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    /** b with at least {@code room} free bytes after its data (fill mode), reallocated if needed. */
    private static ByteBuffer enlarge(ByteBuffer b, int room) {
        if (b.remaining() >= room) {
            return b;
        }
        ByteBuffer bigger = ByteBuffer.allocate(b.position() + room);
        return bigger.put(b.flip());
    }

    /**
     * Sends close_notify, then shuts the TCP output down: false while the close_notify is
     * not on the wire yet (call again after WRITE readiness). The peer reads end of
     * stream; reading goes on.
     */
    @Override
    public boolean shutdownOutput() throws IOException {
        synchronized (outLock) {
            engine.closeOutbound(); // both idempotent: a second call only flushes
            wrapClose();
        }
        return flush() && net.shutdownOutput();
    }

    private void wrapClose() throws IOException {
        while (!engine.isOutboundDone()) {
            int before = netOut.position();
            wrap(EMPTY);
            if (netOut.position() == before) {
                break;
            }
        }
    }

    /**
     * Best-effort close_notify (never waits, for the socket or the peer), then closes the
     * plain socket underneath. Closing goes through that GreenSocket so that closing it
     * too (Green.serve closes the socket it accepted) is harmless: whichever comes first
     * closes the descriptor, once.
     */
    @Override
    public void close() throws IOException {
        if (!plain.isOpen()) {
            return; // already closed underneath: nothing to send, nothing to close
        }
        try {
            synchronized (outLock) {
                engine.closeOutbound();
                wrapClose();
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // The socket is going away: a close_notify it cannot carry is no error.
        } finally {
            plain.close();
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return net.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return net.remoteAddress();
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        net.setOption(option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return net.getOption(option);
    }
}
