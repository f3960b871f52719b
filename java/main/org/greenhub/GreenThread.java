package org.greenhub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.HubTimer;
import org.greenhub.internal.hub.Spawning;
import org.greenhub.internal.hub.Strand;
import org.greenhub.internal.hub.WaitList;

/**
 * A green thread: a JDK virtual thread whose scheduler is its hub (eventlet's
 * GreenThread). It runs until it blocks; {@link #await} gets its result,
 * {@link #kill} raises {@link GreenThreadExit} at its blocking point. Made by
 * {@code Green.spawn} and the pools. Every method may be called from any thread,
 * green on any hub or plain.
 *
 * @param <T> the type of its result
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
        Spawning.install((hub, fn) -> {
            GreenThread<?> g = new GreenThread<>(hub, fn);
            g.start();
            return g;
        });
    }

    private static final System.Logger LOG = System.getLogger("org.greenhub");

    private final HubLoop hub;
    private final GreenStrand strand;
    private final Thread thread;
    private final Object fn;                    // a Callable<T>, or a GreenRunnable when runnableFn
    private final boolean runnableFn;           // fn is a GreenRunnable: no wrapper object per spawn
    private final boolean reportFailure;       // spawnN: nobody awaits, so failures are printed
    private final GreenPool pool;               // whose slot this thread holds, or null
    private volatile int state;
    private volatile boolean started;           // fn began to run
    private T result;
    private Throwable failure;
    private WaitList waiters;                   // guarded by this: awaiting or killing threads; made by the first
    private ArrayDeque<Consumer<GreenThread<T>>> links; // guarded by this
    private boolean resolvingLinks;             // guarded by this
    private HubTimer startTimer;                // spawnAfter

    /** An unstarted green thread of {@code hub} running {@code fn}; its await() gives fn's result. */
    GreenThread(HubLoop hub, Callable<T> fn) {
        this(hub, fn, false, false, null, false);
    }

    /**
     * An unstarted green thread of {@code hub} running {@code fn} that holds a slot of
     * {@code pool}, taken by the caller: the thread gives it back as it ends, however it
     * ends (before its await() returns), or when it is killed or cancelled before it starts.
     */
    GreenThread(HubLoop hub, Callable<T> fn, GreenPool pool) {
        this(hub, fn, false, false, pool, false);
    }

    /**
     * An unstarted green thread of {@code hub} running {@code fn} (its result null);
     * {@code reportFailure} for spawnN, whose failures nobody awaits; {@code pool} as above, or null.
     */
    GreenThread(HubLoop hub, GreenRunnable fn, boolean reportFailure, GreenPool pool) {
        this(hub, fn, true, reportFailure, pool, false);
    }

    /** {@code madeOnHub}: made on the hub thread for a deferred spawn, inheriting nothing from it. */
    private GreenThread(HubLoop hub, Object fn, boolean runnableFn, boolean reportFailure, GreenPool pool,
                        boolean madeOnHub) {
        this.hub = hub;
        this.fn = fn;
        this.runnableFn = runnableFn;
        this.reportFailure = reportFailure;
        this.pool = pool;
        this.strand = new GreenStrand(this);
        this.thread = madeOnHub ? hub.newGreenThreadOnHub(strand) : hub.newGreenThread(strand);
        strand.bind(thread);
    }

    /**
     * spawnN: a green thread of {@code hub} running {@code fn}, failures logged, holding a
     * slot of {@code pool} (or null) that the caller took. Nobody gets a handle on it, so
     * when the spawner has nothing for it to inherit the thread is made only when its
     * turn comes, on the hub thread ({@link HubLoop#submitDeferred}); else it is made now.
     * The deferred thread is made not inheriting from the hub thread, and only for a
     * spawner that had nothing to inherit, so it is the thread the spawner would have made.
     */
    static void spawnN(HubLoop hub, GreenRunnable fn, GreenPool pool) {
        if (HubLoop.spawnerHasNothingToInherit()) {
            hub.submitDeferred(pool == null ? DEFERRED : pool.deferredSpawn(), fn);
        } else {
            new GreenThread<Void>(hub, fn, true, pool).start();
        }
    }

    private static final HubLoop.DeferredSpawn DEFERRED = deferredSpawn(null);

    /** How spawnN's threads holding a slot of {@code pool} (or none) are made at their turn. */
    static HubLoop.DeferredSpawn deferredSpawn(GreenPool pool) {
        return (hub, fn) -> startDeferred(hub, (GreenRunnable) fn, pool);
    }

    private static void startDeferred(HubLoop hub, GreenRunnable fn, GreenPool pool) {
        if (hub.isStopping()) {
            // as a spawned thread that had not started when its hub began to stop: it never runs
            if (pool != null) {
                pool.releaseSlot();
            }
            return;
        }
        GreenThread<Void> g;
        try {
            g = new GreenThread<>(hub, fn, true, true, pool, true);
        } catch (Throwable t) { // out of memory: the hub goes on
            if (pool != null) {
                pool.releaseSlot();
            }
            LOG.log(System.Logger.Level.ERROR, "cannot make a spawned green thread", t);
            return;
        }
        hub.startNow(g.thread);
    }

    /**
     * What the hub core knows of a green thread: its pending kill or Timeout, its hub,
     * and whom to wake when a kill has been handled. The Java thread's uncaught-exception
     * handler, which is how the core finds it ({@link Strand#currentGreen}), and the
     * Java thread's task (one object fewer per spawn than a lambda).
     */
    static final class GreenStrand extends Strand implements Runnable {
        final GreenThread<?> green;

        GreenStrand(GreenThread<?> green) {
            super(null);
            this.green = green;
        }

        @Override
        public HubLoop hub() {
            return green.hub;
        }

        void bind(Thread t) {
            setThread(t);
        }

        void finishing() {
            markFinishing();
        }

        /** The Java thread's body. */
        @Override
        public void run() {
            green.body();
        }

        Throwable endBody() {
            return bodyEnded();
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

    /** Whether this thread runs a task of {@code p} and has not ended (the pool's own threads). */
    boolean runsTaskOf(GreenPool p) {
        return pool == p && state != DONE;
    }

    /** Queues the thread on its hub: it starts at the spawner's next yield. */
    void start() {
        thread.start();
    }

    /** Starts the thread after a delay, unless it is cancelled first. */
    void startAfter(java.time.Duration delay) {
        startTimer = hub.schedule(delay, thread::start);
    }

    @SuppressWarnings("unchecked")
    private void body() {
        if (!STATE.compareAndSet(this, NEW, RUNNING)) {
            return; // killed or cancelled before it started: already complete
        }
        hub.register(strand); // until the very end: the hub's end waits for a completion blocked on a monitor
        if (hub.isStopping()) {
            strand.finishing();
            complete(null, new GreenThreadExit());
            hub.unregister(strand);
            return;
        }
        started = true;
        T r = null;
        Throwable f = null;
        try {
            if (runnableFn) {
                ((GreenRunnable) fn).run();
            } else {
                r = ((Callable<T>) fn).call();
            }
        } catch (Throwable t) {
            f = t;
        }
        Throwable kill = strand.endBody();
        if (kill != null) {
            Thread.interrupted(); // the kill may have interrupted a JDK call: the links run uninterrupted
            if (f != null && f != kill) {
                f = killOutcome(kill, f);
            }
        }
        strand.finishing(); // no longer killed by the hub's end
        complete(r, f);
        if (f != null && reportFailure && !(f instanceof GreenThreadExit)) {
            LOG.log(System.Logger.Level.ERROR, "exception in green thread " + name(), f);
        }
        hub.unregister(strand);
    }

    /**
     * The outcome of a killed thread that ended with {@code f} rather than with the
     * kill's own exception: a kill that interrupted a JDK call (a socket read, a
     * Thread.sleep) makes the code in between throw an exception of its own (a
     * SocketException, a driver's SQLException wrapping it, an InterruptedException).
     * The kill is the outcome; {@code f} is attached to it as suppressed.
     */
    private static Throwable killOutcome(Throwable kill, Throwable f) {
        kill.addSuppressed(f);
        return kill;
    }

    private void complete(T r, Throwable f) {
        if (pool != null) {
            pool.releaseSlot(); // before anyone sees the thread done
        }
        boolean resolve;
        synchronized (this) {
            result = r;
            failure = f;
            state = DONE;
            if (waiters != null) {
                waiters.wakeAll();
            }
            resolve = links != null && !links.isEmpty() && !resolvingLinks;
            resolvingLinks |= resolve;
        }
        if (resolve) {
            resolveLinks();
        }
    }

    /**
     * Waits until the thread is done and returns its result, or rethrows its exception.
     * A green caller parks and its hub runs the others meanwhile; a plain thread blocks
     * only itself. There is no time limit (use a {@link Timeout}).
     *
     * <p>A killed thread's outcome is the kill's exception whatever the thread ended
     * with, unless it returned normally: a kill that reached it in a JDK blocking call
     * (a {@code java.net} socket read, {@code Thread.sleep}, a {@code java.util.concurrent}
     * wait) interrupts that call, and the code in between may turn the interrupt into an
     * exception of its own (a JDBC driver's SQLException wrapping a SocketException
     * "Closed by interrupt"). That exception is then attached to the kill's exception as
     * {@linkplain Throwable#getSuppressed() suppressed}.
     *
     * @return the result of the thread's function
     * @throws GreenThreadExit if the thread was killed with {@link #kill()} (and did not
     *         return normally) or cancelled, or if the calling green thread is killed while it waits
     * @throws GreenException wrapping the thread's checked exception; or, if the calling
     *         thread is interrupted while it waits, an InterruptedException
     * @throws IllegalStateException if a green thread awaits itself
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws RuntimeException the thread's own unchecked exception (or errors), as is;
     *         for a thread killed with {@link #kill(Throwable)} (and that did not return
     *         normally), that exception
     */
    public T await() {
        if (state != DONE) {
            if (Thread.currentThread() == thread) {
                throw new IllegalStateException("a green thread cannot await itself");
            }
            waitUntilDone();
        }
        if (failure != null) {
            throw GreenException.rethrow(failure);
        }
        return result;
    }

    /** Parks the caller until the thread is done. */
    private void waitUntilDone() {
        WaitList w;
        synchronized (this) {
            if (state == DONE) {
                return;
            }
            w = waiters != null ? waiters : (waiters = new WaitList());
        }
        w.await(this, () -> state == DONE);
    }

    /**
     * Kills the thread with a new {@link GreenThreadExit}; see {@link #kill(Throwable)}.
     *
     * @throws GreenThreadExit if the caller kills itself, or is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits
     */
    public void kill() {
        kill(new GreenThreadExit());
    }

    /**
     * Raises {@code t} inside the thread at its current blocking point (or at its next
     * one, if it is running) and waits until the thread has ended, its cleanup included
     * (a finally block that sleeps or does I/O has run when kill returns), as gevent's
     * {@code kill(block=True)}. A thread blocked in a JDK call rather than a greenhub
     * one ({@code java.net} and {@code java.nio} channels, {@code Thread.sleep},
     * {@code java.util.concurrent} waits, {@code Process.waitFor}) is interrupted, again
     * every 20 ms while it waits in a JDK call with its interrupt status clear (a library
     * caught the interrupt) and has not reached a greenhub blocking point. An interrupted
     * {@code java.net} socket or NIO channel is closed by the JDK, so a connection whose
     * query was killed is dead: a pool must discard it (HikariCP evicts a connection whose
     * use threw a connection-level SQLException; see {@code ResourcePool.discard}).
     * Whatever the thread ends with then, its outcome is {@code t} (see {@link #await()}),
     * and {@code t} is thrown at its next greenhub blocking point, where its interrupt
     * status is cleared. A green caller parks meanwhile; a plain thread blocks
     * only itself. A victim that catches {@code t} and carries on keeps the caller
     * waiting until it ends (bound the wait with a {@code Timeout}).
     *
     * <p>A thread that has not started never runs; its {@code await()} throws {@code t}
     * (wrapped in a {@link GreenException} when checked) and its links still run.
     * Killing a finished thread does nothing; killing yourself throws {@code t} at once
     * (checked: wrapped in a {@link GreenException}).
     *
     * @param t the exception to raise
     * @throws NullPointerException if {@code t} is null
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits
     */
    public void kill(Throwable t) {
        Objects.requireNonNull(t, "t");
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
        strand.deliver(t, true);
        waitUntilDone();
    }

    /**
     * Kills the thread only if its function has not started to run (spawned but not yet
     * scheduled, or waiting for its {@code spawnAfter} delay): it then never runs, its
     * {@code await()} throws {@link GreenThreadExit} and its links run. Never blocks.
     *
     * @return true if it was cancelled; false if it had started or ended already
     */
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

    /**
     * Runs {@code callback} when the thread ends, in the thread that ends it: the green
     * thread itself as it returns or throws, or the caller of {@code kill}/{@code cancel}
     * for a thread that never started. If the thread has ended already, the callback
     * runs at once in the caller. Callbacks run once each, in the order they were
     * added; an exception one throws is logged (System.Logger {@code org.greenhub},
     * ERROR) and the others still run.
     *
     * @param callback receives this thread; must not block the hub for long
     * @throws NullPointerException if {@code callback} is null
     */
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

    /**
     * Removes a callback added by {@link #link} that has not run yet.
     *
     * @param callback the callback, compared with {@code equals}
     * @return whether it was there
     */
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

    /**
     * Whether the thread has ended (returned, thrown, been killed or cancelled).
     *
     * @return true once {@link #await()} would return or throw without waiting
     */
    public boolean isDone() {
        return state == DONE;
    }

    /**
     * Whether its function began to run.
     *
     * @return true once the function has started, even if it has ended since
     */
    public boolean isStarted() {
        return started;
    }

    /**
     * The thread's name.
     *
     * @return the Java thread's name, or {@code green-<id>} when it has none
     */
    public String name() {
        String n = thread.getName();
        return n.isEmpty() ? "green-" + thread.threadId() : n;
    }

    /**
     * The Java thread that is this green thread. Its uncaught-exception handler is
     * how {@code Green.current()} finds this GreenThread: do not replace it.
     *
     * @return the virtual thread
     */
    public Thread thread() {
        return thread;
    }

    @Override
    public String toString() {
        return "GreenThread[" + name() + (state == DONE ? ", done" : started ? ", running" : ", new") + "]";
    }
}
