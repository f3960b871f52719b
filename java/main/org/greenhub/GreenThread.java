package org.greenhub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.HubTimer;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Strand;

/**
 * A green thread: a JDK virtual thread whose scheduler is its hub (eventlet's
 * GreenThread). It runs until it blocks; {@link #await} gets its result,
 * {@link #kill} raises {@link GreenThreadExit} at its blocking point.
 */
public final class GreenThread<T> {
    private static final int NEW = 0, RUNNING = 1, DONE = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(GreenThread.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final System.Logger LOG = System.getLogger("org.greenhub");

    private final HubLoop hub;
    private final GreenStrand strand;
    private final Thread thread;
    private final Callable<T> fn;
    private final boolean reportFailure;       // spawnN: nobody awaits, so failures are printed
    private volatile int state;
    private volatile boolean started;           // fn began to run
    private T result;
    private Throwable failure;
    private ArrayList<Thread> waiters;          // guarded by this: awaiting or killing threads
    private ArrayDeque<Consumer<GreenThread<T>>> links; // guarded by this
    private boolean resolvingLinks;             // guarded by this
    private HubTimer startTimer;                // spawnAfter

    GreenThread(HubLoop hub, Callable<T> fn, boolean reportFailure) {
        this.hub = hub;
        this.fn = fn;
        this.reportFailure = reportFailure;
        this.thread = hub.newGreenThread(this::body);
        this.strand = new GreenStrand(this);
    }

    /**
     * What the hub core knows of a green thread: its pending kill or Timeout, its hub,
     * and whom to wake when a kill has been handled. The Java thread's uncaught-exception
     * handler, which is how the core finds it ({@link Strand#currentGreen}).
     */
    static final class GreenStrand extends Strand {
        final GreenThread<?> green;

        GreenStrand(GreenThread<?> green) {
            super(null);
            this.green = green;
            setThread(green.thread);
        }

        @Override
        public HubLoop hub() {
            return green.hub;
        }

        @Override
        protected void onKillsHandled() {
            green.wakeWaiters();
        }

        boolean killed() {
            return wasKilled();
        }
    }

    /** The running green thread, or null on a plain thread. */
    static GreenThread<?> current() {
        return Strand.currentGreen() instanceof GreenStrand g ? g.green : null;
    }

    /** The hub core's handle on this thread. */
    Strand strand() {
        return strand;
    }

    /** Queues the thread on its hub: it starts at the spawner's next yield. */
    void start() {
        thread.start();
    }

    /** Starts the thread after a delay, unless it is cancelled first. */
    void startAfter(java.time.Duration delay) {
        startTimer = hub.schedule(delay, thread::start);
    }

    private void body() {
        if (!STATE.compareAndSet(this, NEW, RUNNING)) {
            return; // killed or cancelled before it started: already complete
        }
        if (hub.isStopping()) {
            complete(null, new GreenThreadExit());
            return;
        }
        hub.register(strand);
        started = true;
        T r = null;
        Throwable f = null;
        try {
            r = fn.call();
        } catch (Throwable t) {
            f = t;
        }
        if (f instanceof InterruptedException && strand.killed()) {
            f = new GreenThreadExit(); // a kill interrupted a JDK blocking call
        }
        hub.unregister(strand);
        complete(r, f);
        if (f != null && reportFailure && !(f instanceof GreenThreadExit)) {
            LOG.log(System.Logger.Level.ERROR, "exception in green thread " + name(), f);
        }
    }

    private void complete(T r, Throwable f) {
        ArrayList<Thread> toWake;
        boolean resolve;
        synchronized (this) {
            result = r;
            failure = f;
            state = DONE;
            toWake = waiters;
            waiters = null;
            resolve = links != null && !links.isEmpty() && !resolvingLinks;
            resolvingLinks |= resolve;
        }
        wakeAll(toWake);
        if (resolve) {
            resolveLinks();
        }
    }

    private static void wakeAll(ArrayList<Thread> threads) {
        if (threads != null) {
            for (Thread t : threads) {
                Parking.unpark(t);
            }
        }
    }

    private void wakeWaiters() {
        ArrayList<Thread> toWake;
        synchronized (this) {
            toWake = waiters == null ? null : new ArrayList<>(waiters);
        }
        wakeAll(toWake);
    }

    /**
     * Blocks (green) until the thread is done; returns its result or rethrows its
     * exception (unchecked as is, checked wrapped in {@link GreenException}). A killed
     * thread makes it throw {@link GreenThreadExit}.
     */
    public T await() {
        if (state != DONE) {
            if (Thread.currentThread() == thread) {
                throw new IllegalStateException("a green thread cannot await itself");
            }
            waitUntil(0);
        }
        if (failure != null) {
            throw GreenException.rethrow(failure);
        }
        return result;
    }

    /** Parks the caller until done, or (killSeq > 0) until that kill was handled. */
    private void waitUntil(int killSeq) {
        Strand me = Strand.current();
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            if (waiters == null) {
                waiters = new ArrayList<>(2);
            }
            waiters.add(me.javaThread());
        }
        try {
            while (state != DONE && (killSeq == 0 || !strand.killHandled(killSeq))) {
                Parking.park(me, this, Parking.NO_DEADLINE);
            }
        } finally {
            synchronized (this) {
                if (waiters != null) {
                    waiters.remove(me.javaThread());
                }
            }
        }
    }

    /** Kills the thread with {@link GreenThreadExit}; see {@link #kill(Throwable)}. */
    public void kill() {
        kill(new GreenThreadExit());
    }

    /**
     * Raises {@code t} inside the thread at its current blocking point and waits
     * until it has handled it: ended, or (having caught it) blocked again. A thread
     * that has not started never runs; its {@code await()} throws {@code t} and its
     * links still run. Killing a finished thread does nothing; killing yourself throws at once.
     */
    public void kill(Throwable t) {
        if (state == DONE) {
            return;
        }
        if (Thread.currentThread() == thread) {
            throw GreenException.rethrow(t);
        }
        if (STATE.compareAndSet(this, NEW, RUNNING)) {
            if (startTimer != null) {
                startTimer.cancel();
            }
            complete(null, t);
            return;
        }
        int seq = strand.deliver(t, true);
        waitUntil(seq);
    }

    /** Kills the thread only if it has not started; returns whether it did. */
    public boolean cancel() {
        if (!STATE.compareAndSet(this, NEW, RUNNING)) {
            return false;
        }
        if (startTimer != null) {
            startTimer.cancel();
        }
        complete(null, new GreenThreadExit());
        return true;
    }

    /** Runs {@code callback} (in the hub) when the thread ends; at once if it has ended. */
    public void link(Consumer<GreenThread<T>> callback) {
        synchronized (this) {
            if (links == null) {
                links = new ArrayDeque<>(2);
            }
            links.add(callback);
            if (state != DONE || resolvingLinks) {
                return;
            }
            resolvingLinks = true;
        }
        resolveLinks();
    }

    /** Removes a callback added by {@link #link}; returns whether it was there. */
    public synchronized boolean unlink(Consumer<GreenThread<T>> callback) {
        return links != null && links.remove(callback);
    }

    private void resolveLinks() {
        while (true) {
            Consumer<GreenThread<T>> cb;
            synchronized (this) {
                cb = links == null ? null : links.poll();
                if (cb == null) {
                    resolvingLinks = false;
                    return;
                }
            }
            try {
                cb.accept(this);
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "link callback of " + name() + " failed", e);
            }
        }
    }

    /** Whether the thread has ended (returned, thrown, been killed or cancelled). */
    public boolean isDone() {
        return state == DONE;
    }

    /** Whether its function began to run. */
    public boolean isStarted() {
        return started;
    }

    /** The thread's name. */
    public String name() {
        String n = thread.getName();
        return n.isEmpty() ? "green-" + thread.threadId() : n;
    }

    /**
     * The Java thread that is this green thread. Its uncaught-exception handler is
     * this GreenThread (how {@code Green.current()} finds it): do not replace it.
     */
    public Thread thread() {
        return thread;
    }

    @Override
    public String toString() {
        return "GreenThread[" + name() + (state == DONE ? ", done" : started ? ", running" : ", new") + "]";
    }
}
