package org.greenhub.internal.hub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.greenhub.internal.nativeio.Sockets;

/**
 * Waiting for readiness of several channels at once (the core of
 * {@code org.greenhub.net.Select}). Unlike {@link HubLoop#awaitReady} it does not consume
 * the readiness it reports: the read or write that follows tries its system call
 * first anyway, and a stale report only costs that call one extra try.
 */
public final class MultiWait {
    private MultiWait() {
    }

    /** Whether {@code s} has unconsumed read readiness, or is closed (its read will throw). */
    public static boolean readable(PollState s) {
        return s.readReady || s.closed;
    }

    /** Whether {@code s} has unconsumed write readiness, or is closed. */
    public static boolean writable(PollState s) {
        return s.writeReady || s.closed;
    }

    /**
     * Parks the current thread (green or plain) until one of {@code reads} is
     * {@link #readable} or one of {@code writes} {@link #writable}; false when the
     * System.nanoTime() deadline passed first. The caller becomes the reader (writer)
     * of each state meanwhile, so the poller's hub wakes it; a state that already has
     * another reader (writer) gets IllegalStateException, as in {@link HubLoop#awaitReady}.
     */
    public static boolean await(List<PollState> reads, List<PollState> writes, long deadline) {
        for (PollState s : reads) {
            probe(s, Poller.READ);
        }
        for (PollState s : writes) {
            probe(s, Poller.WRITE);
        }
        if (anyReady(reads, writes)) {
            return true;
        }
        Strand me = Strand.current();
        Thread self = me.javaThread();
        List<PollState> myReads = new ArrayList<>(reads.size());
        List<PollState> myWrites = new ArrayList<>(writes.size());
        try {
            for (PollState s : reads) {
                claim(s, true, self, myReads);
            }
            for (PollState s : writes) {
                claim(s, false, self, myWrites);
            }
            // Arm after registering, so a report that arrives in between still wakes us.
            for (PollState s : myReads) {
                arm(s, me, Poller.READ);
            }
            for (PollState s : myWrites) {
                arm(s, me, Poller.WRITE);
            }
            while (!anyReady(reads, writes)) {
                if (!Parking.park(me, reads, deadline)) {
                    return anyReady(reads, writes);
                }
            }
            return true;
        } finally {
            for (PollState s : myReads) {
                if (s.reader == self) {
                    s.reader = null;
                }
            }
            for (PollState s : myWrites) {
                if (s.writer == self) {
                    s.writer = null;
                }
            }
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

    private static boolean anyReady(List<PollState> reads, List<PollState> writes) {
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

    /** Registers {@code self} as the waiter of {@code s} in one direction; {@code mine} records it for undoing. */
    private static void claim(PollState s, boolean read, Thread self, List<PollState> mine) {
        if (s.claim(read, self)) {
            mine.add(s);
        }
    }

    private static void arm(PollState s, Strand me, int bit) {
        if (s.closed) {
            return; // ready already; its descriptor may be gone, so never register it
        }
        try {
            s.owner(me).arm(s, bit);
        } catch (IOException e) {
            s.ready(Poller.ERROR); // report it ready: the caller's next call on it gets the error
        }
    }
}
