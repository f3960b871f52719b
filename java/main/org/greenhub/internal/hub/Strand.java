package org.greenhub.internal.hub;

import java.util.concurrent.locks.LockSupport;

/**
 * What every blocking point of greenhub consults about the thread that blocks,
 * green or plain: an exception waiting to be thrown there (a kill, a
 * {@code Timeout}), and the hub of a green thread. A {@code GreenThread} holds one;
 * a plain thread gets a small instance of its own on first use.
 */
public abstract class Strand implements Thread.UncaughtExceptionHandler {
    private static final ThreadLocal<Strand> PLAIN = new ThreadLocal<>();

    /** The Java thread. */
    protected Thread thread;
    Strand prevLive, nextLive;             // the hub's list of live green threads
    private volatile Throwable pending;
    volatile boolean parked;               // inside Parking.park
    long waitDeadline;                     // the deadline of the current Parking.park, for the dump
    private Runnable unparker;             // reused by timed parks

    private boolean killed;                // guarded by this: a kill was delivered

    protected Strand(Thread thread) {
        this.thread = thread;
    }

    /** For a green thread, whose Java thread is created after the strand: binds the two. */
    protected final void setThread(Thread t) {
        if (thread != null) {
            throw new IllegalStateException("thread already set");
        }
        thread = t;
        t.setUncaughtExceptionHandler(this);
    }

    /** The strand of the running thread; a plain thread gets one on first call. */
    public static Strand current() {
        Strand s = currentGreen();
        if (s == null) {
            s = PLAIN.get();
            if (s == null) {
                s = new PlainStrand(Thread.currentThread());
                PLAIN.set(s);
            }
        }
        return s;
    }

    /**
     * The strand of the running thread when it is green, else null. A green thread's
     * uncaught-exception handler is its strand: a field every Thread has, so this
     * costs no ThreadLocal map per green thread (about 150 bytes each, and time at spawn).
     */
    public static Strand currentGreen() {
        Thread t = Thread.currentThread();
        return t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Strand s ? s : null;
    }

    /** Reports an exception that escaped a green thread (its body catches everything, so only a bug lands here). */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        System.getLogger("org.greenhub.hub").log(System.Logger.Level.ERROR, "uncaught exception in " + t, e);
    }

    /** The hub of a green thread; null for a plain thread. */
    public abstract HubLoop hub();

    /** The Java thread of this strand. */
    public final Thread javaThread() {
        return thread;
    }

    /**
     * Arranges for {@code t} to be thrown at this strand's current or next blocking
     * point. A kill replaces a pending timeout; a timeout does not replace a kill.
     */
    public final void deliver(Throwable t, boolean isKill) {
        synchronized (this) {
            Throwable p = pending;
            if (p == null || isKill) {
                pending = t;
            }
            killed |= isKill;
        }
        if (parked || !isKill) {
            LockSupport.unpark(thread);
        } else if (thread != Thread.currentThread()) {
            // Blocked in a JDK call (Thread.sleep, java.net, ...) or runnable: interrupt
            // so a JDK blocking call ends too; the flag is cleared when the exit is thrown.
            thread.interrupt();
        }
    }

    /** Withdraws {@code t} if it is still pending (a Timeout cancelled before it was thrown). */
    public final synchronized boolean withdraw(Throwable t) {
        if (pending == t) {
            pending = null;
            return true;
        }
        return false;
    }

    /** Whether a kill was ever delivered to this strand. */
    protected final synchronized boolean wasKilled() {
        return killed;
    }

    /** Throws the pending exception, if any. */
    final void checkPending() {
        if (pending != null) {
            Throwable t;
            synchronized (this) {
                t = pending;
                pending = null;
            }
            if (t != null) {
                Thread.interrupted(); // a kill may have interrupted us; the exit replaces it
                throw sneaky(t);
            }
        }
    }

    final Runnable unparker() {
        Runnable u = unparker;
        if (u == null) {
            Thread t = thread;
            unparker = u = () -> LockSupport.unpark(t);
        }
        return u;
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private static final class PlainStrand extends Strand {
        PlainStrand(Thread t) {
            super(t);
        }

        @Override
        public HubLoop hub() {
            return null;
        }
    }
}
