package org.greenhub.internal.hub;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.greenhub.internal.nativeio.Sockets;

/**
 * The readiness wait, the one way a thread waits for channels: it becomes the waiter of
 * each direction it waits for (claim: one waiter per direction, Eventlet's "second
 * simultaneous read" guard), arms each state in its hub's poller, parks until one is
 * ready or closed or the deadline passes, and gives its claims back. A socket call
 * that would block waits through {@link #awaitReady} (one channel, one direction, the
 * readiness consumed); {@code Select} through {@link #select} (several channels, the
 * readiness left for the calls that follow).
 */
public final class ReadinessWait {
    private static final PollState[] NONE = {};

    private ReadinessWait() {
    }

    /**
     * Parks the current thread (green or plain) until {@code s} is ready for
     * {@code interest} ({@link Poller#READ} or {@link Poller#WRITE}) and consumes that
     * readiness; false when the deadline passed first.
     *
     * @throws ClosedChannelException when {@code s} is closed, before or during the wait
     * @throws IllegalStateException when another thread already waits on {@code s} in that direction
     * @throws IOException when the poller cannot watch {@code s}
     */
    public static boolean awaitReady(PollState s, int interest, long deadline) throws IOException {
        s.callsWithoutWait = 0;
        boolean read = interest == Poller.READ;
        if (!(read ? s.readReady : s.writeReady)) {
            if (s.closed) {
                throw new ClosedChannelException(); // never armed: its descriptor number may be reused already
            }
            PollState[] one = s.alone();
            if (!await(read ? one : NONE, read ? NONE : one, deadline)) {
                return false;
            }
            if (!(read ? s.readReady : s.writeReady)) {
                throw new ClosedChannelException(); // woken by the close
            }
        }
        s.consume(read);
        return true;
    }

    /**
     * Socket calls in a row on one socket that may complete without waiting before the
     * calling green thread gives up its turn once: the most a connection whose peer keeps
     * it busy (a pipelining or streaming client, or one answering faster than the hub
     * reaches its next poll) is served ahead of the connections waiting for readiness.
     * 16 is Netty's default for the reads of one channel per pass of its event loop
     * ({@code maxMessagesPerRead}). With a load generator on the hub's core, before this
     * bound one connection of 100 got 3,545 round trips in 3 s and the others 36 each.
     */
    public static final int TURN = 16;

    /**
     * The same bound for a listener's accept calls. A connection's turn is up to 8
     * request/response round trips (16 calls), where Netty's loop serves one request of
     * each connection per pass (it flushes the response at the end of the pass) and
     * accepts up to 16 connections; 128 accepts keep the acceptor's share of a busy hub
     * where Netty's is. Measured with cpu-echo (two hubs, 1,000 connections, each hub
     * saturated by its 500): with 16 accepts a turn, the connections made last were
     * accepted late and got 86 round trips in the 3 s window against the first ones' 93
     * (and 9 against 142 with a connection's turn of 2 calls); with 128, the same.
     */
    public static final int ACCEPT_TURN = 128;

    /**
     * Called before each socket call on {@code s}: every {@code turn}th call in a row
     * that did not wait ({@link #TURN}, {@link #ACCEPT_TURN}), the calling green thread
     * gives up its turn ({@link HubLoop#giveUpTurn}), so that the others of its hub are served.
     */
    public static void beforeCall(PollState s, int turn) {
        if (++s.callsWithoutWait >= turn) {
            s.callsWithoutWait = 0;
            HubLoop.giveUpTurn();
        }
    }

    /**
     * Parks the current thread until one of {@code reads} is {@link #readable} or one of
     * {@code writes} {@link #writable}; false when the deadline passed first. Native
     * descriptors are first asked for their current level, since an edge-triggered poller
     * reports only changes and the readiness of an earlier report may have been consumed.
     */
    public static boolean select(PollState[] reads, PollState[] writes, long deadline) throws IOException {
        for (PollState s : reads) {
            probe(s, Poller.READ);
        }
        for (PollState s : writes) {
            probe(s, Poller.WRITE);
        }
        return await(reads, writes, deadline);
    }

    /** Whether {@code s} has unconsumed read readiness, or is closed (its read will throw). */
    public static boolean readable(PollState s) {
        return s.readReady || s.closed;
    }

    /** Whether {@code s} has unconsumed write readiness, or is closed. */
    public static boolean writable(PollState s) {
        return s.writeReady || s.closed;
    }

    /** Claim, arm, park, unclaim. */
    private static boolean await(PollState[] reads, PollState[] writes, long deadline) throws IOException {
        if (anyReady(reads, writes)) {
            return true;
        }
        Strand me = Strand.current();
        Thread self = me.javaThread();
        try {
            for (PollState s : reads) {
                s.claim(true, self);
            }
            for (PollState s : writes) {
                s.claim(false, self);
            }
            // Armed after claiming, so that a report arriving in between still wakes us.
            for (PollState s : reads) {
                arm(s, me, Poller.READ);
            }
            for (PollState s : writes) {
                arm(s, me, Poller.WRITE);
            }
            while (!anyReady(reads, writes)) {
                if (!Parking.park(me, reads.length > 0 ? reads : writes, deadline)) { // the blocker names the sockets
                    return anyReady(reads, writes);
                }
            }
            return true;
        } finally {
            // A thread is in one wait at a time, so every claim it holds is this wait's.
            for (PollState s : reads) {
                if (s.reader == self) {
                    s.reader = null;
                }
            }
            for (PollState s : writes) {
                if (s.writer == self) {
                    s.writer = null;
                }
            }
        }
    }

    private static void arm(PollState s, Strand me, int bit) throws IOException {
        if (!s.closed) { // a closed one is ready already; its descriptor may be gone
            s.arm(me, bit);
        }
    }

    /**
     * Native descriptors sit in edge-triggered pollers: readiness that a read or write
     * consumed without draining the socket would never be reported again, so ask the
     * kernel for the current level once (poll(2), no waiting). Later changes arrive as
     * edges. java.nio channels need no probe: their level-triggered selector reports the
     * current state when {@link #arm} re-arms them.
     */
    private static void probe(PollState s, int events) {
        if (s.fd < 0 || s.closed) {
            return;
        }
        int bits = Sockets.readinessNow(s.fd, events);
        if (bits != 0) {
            s.ready(bits);
        }
    }

    private static boolean anyReady(PollState[] reads, PollState[] writes) {
        for (PollState s : reads) {
            if (readable(s)) {
                return true;
            }
        }
        for (PollState s : writes) {
            if (writable(s)) {
                return true;
            }
        }
        return false;
    }
}
