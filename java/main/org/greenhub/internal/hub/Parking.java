package org.greenhub.internal.hub;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way greenhub blocks a thread. A green thread parks on its hub
 * (timed waits use the hub's timer heap); a plain thread parks like
 * java.util.concurrent does. Either way a pending kill or {@code Timeout} is thrown
 * on entry and on wake-up, so every primitive built on it is killable. A thread
 * interrupted while it waits (and not killed) gets a {@code GreenException} whose
 * cause is an {@code InterruptedException}; its interrupt status stays set.
 */
public final class Parking {
    /** A deadline that never comes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private Parking() {
    }

    /**
     * Timeouts at least this long mean "no deadline" (about 146 years). Deadlines are
     * compared by their difference, so every finite one must stay within 2^62 ns of
     * now; the cap keeps any two of them comparable for another century.
     */
    private static final long FOREVER_NANOS = 1L << 62;

    /**
     * The System.nanoTime() deadline {@code d} from now: null or a duration of about
     * 146 years or more means none ({@link #NO_DEADLINE}); zero or negative means now,
     * a deadline that has already passed, so the wait times out at once, as does any
     * deadline that passes before the waiter gets to check it.
     */
    public static long deadline(Duration d) {
        if (d == null) {
            return NO_DEADLINE;
        }
        long now = System.nanoTime();
        if (d.isNegative() || d.isZero()) {
            return now;
        }
        if (d.getSeconds() >= FOREVER_NANOS / 1_000_000_000L) {
            return NO_DEADLINE;
        }
        long deadline = now + d.toNanos();
        return deadline == NO_DEADLINE ? deadline - 1 : deadline; // the sentinel is taken
    }

    /**
     * Parks the current thread until it is unparked, the deadline passes, or a
     * pending kill or timeout is thrown. Returns false when the deadline had passed;
     * true otherwise, spuriously too: callers re-check their condition in a loop.
     */
    public static boolean park(Object blocker, long deadline) {
        return park(Strand.current(), blocker, deadline);
    }

    /** {@link #park(Object, long)} for a caller that already has its strand. */
    public static boolean park(Strand me, Object blocker, long deadline) {
        me.checkPending();
        if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            return false;
        }
        HubLoop hub = me.hub();
        me.waitDeadline = deadline;
        me.parked = true;
        try {
            if (hub == null) {
                if (deadline == NO_DEADLINE) {
                    LockSupport.park(blocker);
                } else {
                    LockSupport.parkNanos(blocker, deadline - System.nanoTime());
                }
            } else if (deadline == NO_DEADLINE) {
                LockSupport.park(blocker);
            } else {
                HubTimer wake = hub.scheduleAt(deadline, me.unparker());
                LockSupport.park(blocker);
                wake.cancel();
            }
        } finally {
            me.parked = false;
        }
        afterWake(me, blocker);
        return deadline == NO_DEADLINE || deadline - System.nanoTime() > 0;
    }

    /**
     * After a park (or the yield a waiter makes instead of its first park): throws a
     * pending kill or Timeout, else ends the wait of an interrupted thread.
     */
    static void afterWake(Strand me, Object blocker) {
        me.checkPending();
        if (Thread.currentThread().isInterrupted()) {
            // LockSupport.park returns at once while interrupted: end the wait instead of spinning.
            // The status stays set for the caller, as java.util.concurrent leaves it observable.
            throw Failures.provider().interrupted(new InterruptedException("interrupted while waiting on " + blocker));
        }
    }

    /** Throws the current thread's pending kill or timeout, if any. */
    public static void checkPending() {
        Strand.current().checkPending();
    }

    /** Wakes a thread parked by {@link #park}. Any thread. */
    public static void unpark(Thread t) {
        LockSupport.unpark(t);
    }
}
