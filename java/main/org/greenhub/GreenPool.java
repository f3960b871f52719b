package org.greenhub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.WaitList;
import org.greenhub.internal.hub.Waiter;
import org.greenhub.queue.LightQueue;

/**
 * eventlet.greenpool.GreenPool: runs at most {@code size} green threads at once.
 * {@code spawn} blocks the caller while the pool is full (slots go to blocked
 * spawners first come, first served); a spawn on a full pool made from one of the
 * pool's own green threads runs the function inline instead of deadlocking, and
 * then, as in Eventlet, an exception it throws propagates to that caller.
 *
 * <p>The pool's green threads run on the hub of the thread that spawns them (a plain
 * thread: the default hub). Safe to use from any thread and across hubs. Blocking
 * methods park a green caller (its hub runs the others) and block a plain one.
 */
public class GreenPool {
    // Slots are taken and freed without the lock while no spawner waits for one: a
    // compare-and-set on running. The lock is taken only to queue a spawner, to serve
    // one, and when running reaches 0 (waitAll). Against the same pool taking its
    // monitor twice per thread, `ci/bench --runtime --workloads spawn --baseline JAR`:
    // the burst of 1M pool spawns 1.07x as fast (median of 12 paired rounds, 0.95-1.35).
    private volatile int size;                                  // written under the lock
    private volatile int running;                               // slots taken
    private volatile boolean spawnersWaiting;                   // !spawners.isEmpty(), written under the lock
    private final ArrayDeque<Waiter<Void>> spawners = new ArrayDeque<>(); // guarded by this
    private final WaitList idleWaiters = new WaitList(); // waitAll, guarded by this
    private HubLoop.DeferredSpawn deferredSpawn; // spawnN's threads, made at their turn; racy: two alike are fine

    private static final VarHandle RUNNING;

    static {
        try {
            RUNNING = MethodHandles.lookup().findVarHandle(GreenPool.class, "running", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Creates a pool of 1000. */
    public GreenPool() {
        this(1000);
    }

    /**
     * Creates a pool that runs at most {@code size} green threads at once.
     *
     * @param size the number of slots; 0 makes every spawn from outside the pool wait
     *             until {@link #resize} adds slots
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public GreenPool(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("pool size must be >= 0: " + size);
        }
        this.size = size;
    }

    // ---- spawning -------------------------------------------------------------------

    /**
     * Runs {@code fn} in a new green thread of the pool, first waiting for a free slot
     * (no time limit; use a {@link Timeout}). The slot is freed when the thread ends.
     * Called from one of the pool's own green threads while the pool is full, it runs
     * {@code fn} inline instead and returns a green thread that gives its result.
     *
     * @param <T> the type of the result
     * @param fn the body
     * @return the new green thread
     * @throws NullPointerException if {@code fn} is null
     * @throws GreenException wrapping a checked exception of {@code fn} run inline
     * @throws RuntimeException an unchecked exception of {@code fn} run inline, as is
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public <T> GreenThread<T> spawn(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        if (!takeSlot()) {
            T r;
            try {
                r = fn.call(); // full, and called from inside the pool: inline
            } catch (Exception e) {
                throw GreenException.rethrow(e);
            }
            return Green.spawn(() -> r);
        }
        // The thread holds the slot: it frees it as it ends (before await() returns), or
        // as it is killed or cancelled before it starts.
        GreenThread<T> g;
        try {
            g = new GreenThread<>(HubLoop.current(), fn, this);
        } catch (RuntimeException | Error e) {
            releaseSlot();
            throw e;
        }
        g.start();
        return g;
    }

    /**
     * {@link #spawn(Callable)} for a body without a result.
     *
     * @param fn the body
     * @return the new green thread; its {@code await()} returns null
     * @throws NullPointerException if {@code fn} is null
     * @throws GreenException wrapping a checked exception of {@code fn} run inline
     * @throws RuntimeException an unchecked exception of {@code fn} run inline, as is
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public GreenThread<Void> spawn(GreenRunnable fn) {
        return spawn(Green.callable(fn));
    }

    /**
     * Like {@link #spawn(GreenRunnable)} without a handle: waits for a free slot, then
     * runs {@code fn} in a new green thread of the pool. An exception escaping
     * {@code fn} (other than {@link GreenThreadExit}) is logged once (System.Logger
     * {@code org.greenhub}, ERROR). Run inline (full pool, called from one of its own
     * threads) it propagates.
     *
     * @param fn the body
     * @throws NullPointerException if {@code fn} is null
     * @throws GreenException wrapping a checked exception of {@code fn} run inline
     * @throws RuntimeException an unchecked exception of {@code fn} run inline, as is
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public void spawnN(GreenRunnable fn) {
        Objects.requireNonNull(fn, "fn");
        if (!takeSlot()) {
            try {
                fn.run();
            } catch (Exception e) {
                throw GreenException.rethrow(e);
            }
            return;
        }
        try {
            GreenThread.spawnN(HubLoop.current(), fn, this); // the thread frees the slot as it ends
        } catch (RuntimeException | Error e) {
            releaseSlot();
            throw e;
        }
    }

    /** How spawnN's threads of this pool are made at their turn (GreenThread.spawnN). */
    HubLoop.DeferredSpawn deferredSpawn() {
        HubLoop.DeferredSpawn d = deferredSpawn;
        if (d == null) {
            deferredSpawn = d = GreenThread.deferredSpawn(this);
        }
        return d;
    }

    /** Whether the caller is one of the pool's own green threads, running its task. */
    private boolean calledFromMember() {
        GreenThread<?> g = GreenThread.current();
        return g != null && g.runsTaskOf(this);
    }

    /** Takes a slot, blocking while full; false (no slot taken) when full and the caller is one of ours. */
    private boolean takeSlot() {
        if (!spawnersWaiting && tryTakeFree()) {
            return true;
        }
        Waiter<Void> w;
        synchronized (this) {
            // The flag goes up before running is read again, and a release reads it after
            // its decrement: either this check sees the freed slot, or that release sees
            // the flag and serves the queue under the lock.
            spawnersWaiting = true;
            if (spawners.isEmpty() && tryTakeFree()) {
                spawnersWaiting = false;
                return true;
            }
            if (calledFromMember()) {
                spawnersWaiting = !spawners.isEmpty();
                return false;
            }
            w = new Waiter<>();
            spawners.addLast(w);
        }
        w.await(this, Parking.NO_DEADLINE, spawnerExit);
        return true;
    }

    /** Takes a slot if one is free, without the lock. */
    private boolean tryTakeFree() {
        for (int r = running; r < size; r = running) {
            if (RUNNING.compareAndSet(this, r, r + 1)) {
                return true;
            }
        }
        return false;
    }

    private final Waiter.Exit<Void> spawnerExit = new Waiter.Exit<>() {
        @Override
        public void abandoned(Waiter<Void> w) {
            spawners.remove(w);
            spawnersWaiting = !spawners.isEmpty();
        }

        @Override
        public void servedButThrowing(Waiter<Void> w) {
            RUNNING.getAndAdd(GreenPool.this, -1); // the slot goes to the next spawner
            slotsChanged();
        }
    };

    /** Frees a slot: a pool thread's as it ends (GreenThread.complete), or one taken for a spawn that failed. */
    void releaseSlot() {
        int left = (int) RUNNING.getAndAdd(this, -1) - 1;
        if (left == 0 || spawnersWaiting) {
            synchronized (this) {
                slotsChanged();
            }
        }
    }

    /** Under the lock: hands free slots to waiting spawners; wakes waitAll at zero. */
    private void slotsChanged() {
        while (!spawners.isEmpty() && tryTakeFree()) {
            spawners.pollFirst().serve(null);
        }
        spawnersWaiting = !spawners.isEmpty();
        if (running == 0) {
            idleWaiters.wakeAll();
        }
    }

    // ---- mapping --------------------------------------------------------------------

    /**
     * Applies {@code fn} to every arg concurrently, in green threads of this pool;
     * results come in input order, an element's exception is rethrown by
     * {@code next()} at its position (the consumer may go on). Lazy: elements are
     * spawned by {@code next()}, at most {@code max(1, size)} ahead of the consumer.
     * The iterator is for one consumer thread; {@code remove} is not supported.
     *
     * <p>{@code next()} waits (parks a green caller) until the result is ready and throws
     * {@link java.util.NoSuchElementException} when there is none left, the element's
     * unchecked exception as is, a checked one wrapped in a {@link GreenException}, and
     * the caller's own kill, {@link Timeout} or interrupt while it waits; after those
     * the element stays for the next call.
     *
     * @param <A> the type of the inputs
     * @param <R> the type of the results
     * @param fn the function to apply
     * @param args the inputs
     * @return an iterator over the results
     * @throws NullPointerException if {@code fn} or {@code args} is null
     */
    public <A, R> Iterator<R> imap(GreenFunction<A, R> fn, Iterable<A> args) {
        Objects.requireNonNull(fn, "fn");
        Iterator<A> in = args.iterator();
        return new Iterator<R>() {
            private final ArrayDeque<GreenThread<R>> ahead = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                return !ahead.isEmpty() || in.hasNext();
            }

            @Override
            public R next() {
                while (ahead.size() < aheadLimit() && in.hasNext()) {
                    A a = in.next();
                    ahead.addLast(spawn(() -> fn.apply(a)));
                }
                GreenThread<R> g = ahead.peekFirst();
                if (g == null) {
                    throw new NoSuchElementException();
                }
                awaitDone(g); // interrupted: the element stays for the next call
                ahead.pollFirst();
                return g.await();
            }
        };
    }

    /**
     * Like {@link #imap} but results come as they complete, at most
     * {@code max(1, size)} in flight.
     *
     * @param <A> the type of the inputs
     * @param <R> the type of the results
     * @param fn the function to apply
     * @param args the inputs
     * @return an iterator over the results, in completion order
     * @throws NullPointerException if {@code fn} or {@code args} is null
     */
    public <A, R> Iterator<R> imapUnordered(GreenFunction<A, R> fn, Iterable<A> args) {
        Objects.requireNonNull(fn, "fn");
        Iterator<A> in = args.iterator();
        return new Iterator<R>() {
            private final LightQueue<GreenThread<R>> completed = new LightQueue<>();
            private int inFlight;

            @Override
            public boolean hasNext() {
                return inFlight > 0 || in.hasNext();
            }

            @Override
            public R next() {
                while (inFlight < aheadLimit() && in.hasNext()) {
                    A a = in.next();
                    spawn(() -> fn.apply(a)).link(completed::offer);
                    inFlight++;
                }
                if (inFlight == 0) {
                    throw new NoSuchElementException();
                }
                GreenThread<R> g = completed.get();
                inFlight--;
                return g.await();
            }
        };
    }

    /**
     * Waits until {@code g} is done. Throws only what interrupts the caller (its
     * kill or Timeout), never {@code g}'s own exception: that one await() rethrows.
     */
    static void awaitDone(GreenThread<?> g) {
        try {
            g.await();
        } catch (Throwable t) {
            if (!isOutcomeOf(g, t)) {
                throw t;
            }
        }
    }

    private static boolean isOutcomeOf(GreenThread<?> g, Throwable t) {
        if (!g.isDone()) {
            return false;
        }
        try {
            g.await();
            return false;
        } catch (Throwable own) {
            return own == t || own instanceof GreenException && t instanceof GreenException
                    && own.getCause() == t.getCause();
        }
    }

    private int aheadLimit() {
        return Math.max(1, size);
    }

    // ---- state ----------------------------------------------------------------------

    /**
     * Waits until no green thread of the pool runs (no time limit; use a
     * {@link Timeout}). Returns at once when none does.
     *
     * @throws IllegalStateException if called from one of the pool's own green threads
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public void waitAll() {
        if (calledFromMember()) {
            throw new IllegalStateException("waitAll() from one of the pool's own green threads would never return");
        }
        idleWaiters.await(this, () -> running == 0);
    }

    /**
     * Changes the size; growing releases blocked spawners, shrinking never kills running
     * work (new spawns wait until fewer than {@code newSize} run). Never blocks.
     *
     * @param newSize the new number of slots
     * @throws IllegalArgumentException if {@code newSize} is negative
     */
    public void resize(int newSize) {
        if (newSize < 0) {
            throw new IllegalArgumentException("pool size must be >= 0: " + newSize);
        }
        synchronized (this) {
            size = newSize;
            slotsChanged();
        }
    }

    /**
     * Green threads of the pool running (or about to start).
     *
     * @return the slots taken
     */
    public int running() {
        return running;
    }

    /**
     * Slots free.
     *
     * @return size minus running (negative after a shrink below running, as Eventlet's)
     */
    public int free() {
        return size - running;
    }

    /**
     * Callers blocked in spawn.
     *
     * @return the number of threads waiting for a slot
     */
    public synchronized int waiting() {
        return spawners.size();
    }

    @Override
    public synchronized String toString() {
        return "GreenPool[size=" + size + ", running=" + running + ", waiting=" + spawners.size() + "]";
    }
}
