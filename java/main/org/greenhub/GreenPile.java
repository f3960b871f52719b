package org.greenhub;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * eventlet.greenpool.GreenPile: spawn tasks into a pool, then iterate their
 * results in spawn order; {@code next()} blocks until that result is ready and
 * rethrows its exception. A spawn that fails (say, a Timeout while waiting for a
 * pool slot) leaves no trace in the pile.
 */
public class GreenPile<T> implements Iterator<T>, Iterable<T> {
    private final GreenPool pool;
    private final ArrayDeque<GreenThread<T>> pending = new ArrayDeque<>(); // guarded by itself

    /** A pile with its own pool of 1000. */
    public GreenPile() {
        this(new GreenPool());
    }

    /** A pile with its own pool of {@code size}. */
    public GreenPile(int size) {
        this(new GreenPool(size));
    }

    /** A pile spawning into {@code pool}. */
    public GreenPile(GreenPool pool) {
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    /** Spawns {@code fn} in the pool (blocking while it is full); its result comes after earlier spawns'. */
    public GreenThread<T> spawn(Callable<T> fn) {
        GreenThread<T> g = pool.spawn(fn);
        synchronized (pending) {
            pending.addLast(g);
        }
        return g;
    }

    @Override
    public boolean hasNext() {
        synchronized (pending) {
            return !pending.isEmpty();
        }
    }

    /**
     * The next result in spawn order; blocks until it is ready; rethrows its exception.
     * A reader interrupted while waiting (kill, Timeout) leaves the result in the pile.
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

    /** Spawned and not yet read. */
    public int size() {
        synchronized (pending) {
            return pending.size();
        }
    }

    @Override
    public Iterator<T> iterator() {
        return this;
    }
}
