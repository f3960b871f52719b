package org.greenhub.internal.hub;

import java.util.ArrayDeque;
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
    boolean finishing;                     // hub thread: its body has returned; kills no longer apply
    private Runnable unparker;             // reused by timed parks

    private volatile Throwable killedWith; // written under this lock: the last kill delivered
    private Throwable interruptedFor;      // guarded by this: the pending exception an interrupt carried
    private Throwable lastThrown;          // guarded by this: what checkPending threw last
    private ArrayDeque<Throwable> next;    // guarded by this: timeouts that fired while another exception was pending

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
     * How often a delivered exception that has not been thrown yet is delivered again
     * while its thread is not parked in greenhub: a JDK blocking call may swallow an
     * unpark, or a library catch an interrupt, and block again.
     */
    static final long REDELIVER_NANOS = 20_000_000L;

    /**
     * Arranges for {@code t} to be thrown at this strand's current or next blocking
     * point. A kill replaces a pending timeout; a timeout does not replace a kill.
     *
     * <p>A strand parked in greenhub is unparked. One that is not is blocked in a JDK
     * call (java.net, Thread.sleep, java.util.concurrent, ...), runnable, or running:
     * a kill interrupts it at once, a timeout only if it waits in a JDK call (else it
     * unparks it, which a park it is entering consumes). Until
     * {@code t} is thrown or withdrawn, it is delivered again every
     * {@link #REDELIVER_NANOS} on the strand's hub (the default hub for a plain
     * thread): a strand found waiting in a JDK call, its interrupt status clear (a
     * library caught the interrupt and blocked again), is interrupted again.
     */
    public final void deliver(Throwable t, boolean isKill) {
        synchronized (this) {
            if (isKill) {
                killedWith = t;
            }
            if (pending != null && !isKill) {
                // One exception waits at a time: this timeout is thrown after the pending
                // one, at the thread's next blocking point (an outer Timeout firing while
                // an inner one's exception waits must not be lost).
                if (next == null) {
                    next = new ArrayDeque<>(2);
                }
                next.add(t);
                return;
            }
            pending = t;
            if (parked) {
                LockSupport.unpark(thread);
                return;
            }
            if (thread != Thread.currentThread() && (isKill || waitsInJdkCall())) {
                interrupt(t);
            } else {
                LockSupport.unpark(thread); // it may be on its way into a park
            }
        }
        scheduleRedelivery(t);
    }

    /** Whether the thread waits in a JDK blocking call (parked, but not in greenhub's park). Under this lock. */
    private boolean waitsInJdkCall() {
        Thread.State st = thread.getState();
        return !parked && (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING);
    }

    /** Interrupts the thread on behalf of pending {@code t}, so that a JDK blocking call ends. Under this lock. */
    private void interrupt(Throwable t) {
        interruptedFor = t;
        thread.interrupt();
    }

    private void scheduleRedelivery(Throwable t) {
        HubLoop h = hub();
        if (h == null) {
            h = HubKinds.defaultLoop();
        }
        if (!h.isClosed()) {
            h.scheduleAt(System.nanoTime() + REDELIVER_NANOS, () -> redeliver(t));
        }
    }

    /** {@link #deliver} again, while {@code t} is pending and the thread lives. */
    private void redeliver(Throwable t) {
        synchronized (this) {
            if (pending != t || !thread.isAlive()) {
                return; // thrown, withdrawn or replaced (a replacement has its own redelivery), or over
            }
            if (parked) {
                LockSupport.unpark(thread); // it throws t when it runs
                return;
            }
            if (waitsInJdkCall() && !thread.isInterrupted()) {
                interrupt(t);
            }
        }
        scheduleRedelivery(t);
    }

    /** Withdraws {@code t} if it is still pending (a Timeout cancelled before it was thrown). */
    public final boolean withdraw(Throwable t) {
        return withdrawAndClear(t) != NOT_PENDING;
    }

    /** {@link #withdrawAndClear}: {@code t} was not pending (thrown, withdrawn, replaced, never delivered). */
    public static final int NOT_PENDING = 0;
    /** {@link #withdrawAndClear}: {@code t} was pending and is withdrawn; it never interrupted the thread. */
    public static final int WITHDRAWN = 1;
    /**
     * {@link #withdrawAndClear}: {@code t} was pending, had interrupted the thread (which
     * may have ended a JDK blocking call, or a library may have turned it into an
     * exception of its own), and is withdrawn.
     */
    public static final int WITHDRAWN_AFTER_INTERRUPT = 2;

    /**
     * Withdraws {@code t} if it is still pending. If it had interrupted the thread and
     * the caller is this strand's thread, clears the interrupt status, so that the
     * thread's next call works.
     *
     * @return {@link #NOT_PENDING}, {@link #WITHDRAWN} or {@link #WITHDRAWN_AFTER_INTERRUPT}
     */
    public final synchronized int withdrawAndClear(Throwable t) {
        if (pending != t || t == null) {
            return t != null && next != null && next.remove(t) ? WITHDRAWN : NOT_PENDING;
        }
        pending = null;
        if (interruptedFor != t) {
            return WITHDRAWN;
        }
        interruptedFor = null;
        if (thread == Thread.currentThread()) {
            Thread.interrupted();
        }
        return WITHDRAWN_AFTER_INTERRUPT;
    }

    /**
     * For a call that {@code t}, a kill or Timeout thrown at a blocking point inside it,
     * ended halfway and that turns it into an exception of its own, as a JDK call turns
     * an interrupt (a java.net drop-in socket: closed, and a SocketException): if
     * {@code t} is what this strand's last blocking point threw, makes it pending again,
     * as if it had interrupted a JDK call, so that it reaches the caller as a kill or
     * Timeout that interrupted a JDK call does (thrown at the next blocking point;
     * {@code Timeout.close}, {@code Green.withTimeout}, {@code GreenThread.await}). A
     * pending kill is not replaced by a timeout. Call it on the strand's own thread.
     *
     * @param t the exception the call caught
     * @return whether {@code t} was a kill or timeout thrown here (then it is pending again)
     */
    public final synchronized boolean rependIfDelivered(Throwable t) {
        if (t == null || lastThrown != t) {
            return false;
        }
        lastThrown = null;
        if (pending == null || t == killedWith) {
            pending = t;
            interruptedFor = t;
        }
        return true;
    }

    /**
     * A green thread whose body has returned, on its way out (completion, links): the
     * hub no longer kills it when it ends, but still gives it its turns until it ends.
     */
    protected final void markFinishing() {
        finishing = true;
    }

    /**
     * For a thread whose body has ended: drops whatever is pending, so that nothing is
     * thrown or redelivered any more, and tells whether it was killed. Takes no lock
     * when nothing was ever delivered to it, the common case (a lock per green thread
     * was measurable in a burst of a million spawns).
     *
     * @return the exception of the last kill delivered to this strand, or null if it was never killed
     */
    protected final Throwable bodyEnded() {
        if (pending == null && killedWith == null) {
            return null;
        }
        synchronized (this) {
            pending = null;
            interruptedFor = null;
            next = null;
            return killedWith;
        }
    }

    /** Whether a kill or Timeout waits to be thrown. */
    final boolean hasPending() {
        return pending != null;
    }

    /** Throws the pending exception, if any; its thread's interrupt status is cleared then. */
    final void checkPending() {
        if (pending != null) {
            Throwable t;
            Throwable then = null;
            synchronized (this) {
                t = pending;
                pending = null;
                if (t != null) {
                    interruptedFor = null;
                    lastThrown = t;
                    Thread.interrupted(); // a kill or timeout may have interrupted us; the exception replaces it
                    if (next != null && (then = next.poll()) != null) {
                        pending = then; // thrown at the next blocking point
                    }
                }
            }
            if (then != null) {
                scheduleRedelivery(then); // reaches a JDK blocking call too
            }
            if (t != null) {
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
