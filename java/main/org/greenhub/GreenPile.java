package org.greenhub;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * eventlet.greenpool.GreenPile: spawn tasks into a pool, then iterate their
 * results in spawn order; {@code next()} blocks until that result is ready and
 * rethrows its exception. A spawn that fails (say, a Timeout while waiting for a
 * pool slot) leaves no trace in the pile. Safe to use from any thread; blocking
 * methods park a green caller (its hub runs the others) and block a plain one.
 *
 * @param <T> the type of the results
 */
public class GreenPile<T> implements Iterator<T>, Iterable<T> {
    private final GreenPool pool;
    private final ArrayDeque<GreenThread<T>> pending = new ArrayDeque<>(); // guarded by itself

    /** Creates a pile with its own pool of 1000. */
    public GreenPile() {
        this(new GreenPool());
    }

    /**
     * Creates a pile with its own pool of {@code size}.
     *
     * @param size the number of tasks running at once
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public GreenPile(int size) {
        this(new GreenPool(size));
    }

    /**
     * Creates a pile spawning into {@code pool}.
     *
     * @param pool the pool, possibly shared
     * @throws NullPointerException if {@code pool} is null
     */
    public GreenPile(GreenPool pool) {
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    /**
     * Spawns {@code fn} in the pool, waiting while it is full, as
     * {@link GreenPool#spawn(Callable)}; its result comes after earlier spawns'.
     *
     * @param fn the task
     * @return the green thread running it
     * @throws NullPointerException if {@code fn} is null
     * @throws GreenException wrapping a checked exception of {@code fn} run inline (full
     *         pool, called from one of its threads); or if the calling thread is
     *         interrupted while it waits
     * @throws RuntimeException an unchecked exception of {@code fn} run inline, as is
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     */
    public GreenThread<T> spawn(Callable<T> fn) {
        GreenThread<T> g = pool.spawn(fn);
        synchronized (pending) {
            pending.addLast(g);
        }
        return g;
    }

    /**
     * Whether a spawned result has not been read yet. Never blocks.
     *
     * @return true if {@link #next()} has a result to return
     */
    @Override
    public boolean hasNext() {
        synchronized (pending) {
            return !pending.isEmpty();
        }
    }

    /**
     * The next result in spawn order; waits until it is ready (no time limit; use a
     * {@link Timeout}); rethrows its exception, after which the result is read. A
     * reader interrupted while waiting (kill, Timeout, interrupt) leaves the result in
     * the pile.
     *
     * @return the next result
     * @throws NoSuchElementException if every spawned result has been read
     * @throws GreenException wrapping the task's checked exception; or if the calling
     *         thread is interrupted while it waits
     * @throws RuntimeException the task's unchecked exception, as is
     * @throws GreenThreadExit if the task was killed, or the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     */
    @Override
    public T next() {
        while (true) {
            GreenThread<T> g;
            synchronized (pending) {
                g = pending.peekFirst();
            }
            if (g == null) {
                throw new NoSuchElementException();
            }
            GreenPool.awaitDone(g);
            synchronized (pending) {
                if (!pending.remove(g)) {
                    continue; // another reader took it
                }
            }
            return g.await();
        }
    }

    /**
     * Results spawned and not yet read.
     *
     * @return their number
     */
    public int size() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /**
     * This pile, which is its own iterator: iterating it reads its results.
     *
     * @return this pile
     */
    @Override
    public Iterator<T> iterator() {
        return this;
    }
}
