package org.greenhub.pools;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Supplier;
import org.greenhub.TimeoutExpired;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Waiter;

/**
 * eventlet.pools.Pool: a pool of reusable items (connections, ...). {@code get}
 * returns a free item, else creates one while fewer than {@code maxSize} exist,
 * else blocks; {@code put} hands the item straight to the longest waiting getter.
 * {@code create} runs outside the pool's lock and may block; if it throws, the count
 * is rolled back (and a waiting getter may create instead). Safe across hubs and
 * from plain threads.
 *
 * <p>A get that waits parks a green thread, and its hub runs the others meanwhile; a
 * plain thread blocks only itself. A green thread killed while it waits gets
 * {@link org.greenhub.GreenThreadExit}; one whose {@code Timeout} fires gets
 * {@link TimeoutExpired}; a thread interrupted while it waits gets a
 * {@link org.greenhub.GreenException} whose cause is an InterruptedException (its
 * interrupt status stays set). An item handed to a getter that gives up that way is
 * passed on, never lost.
 *
 * @param <T> the type of the items
 */
public class ResourcePool<T> {
    private final Supplier<T> create;
    private final ArrayDeque<T> free = new ArrayDeque<>();           // guarded by this
    private final ArrayDeque<Waiter<T>> getters = new ArrayDeque<>(); // guarded by this
    private int maxSize;                                              // guarded by this
    private int count;                                                // items in existence or being created

    /**
     * Creates a pool, and {@code minSize} items up front in the calling thread; never
     * more than {@code maxSize} exist.
     *
     * @param minSize the items created now
     * @param maxSize the most items in existence
     * @param create makes a new item; it may block; it must not return null
     * @throws IllegalArgumentException unless {@code 0 <= minSize <= maxSize}
     * @throws NullPointerException if {@code create} is null, or returns null for an item made now
     * @throws RuntimeException what {@code create} throws, as is
     */
    public ResourcePool(int minSize, int maxSize, Supplier<T> create) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("need 0 <= minSize <= maxSize: " + minSize + ", " + maxSize);
        }
        this.create = Objects.requireNonNull(create, "create");
        this.maxSize = maxSize;
        for (int i = 0; i < minSize; i++) {
            free.add(create.get());
            count++;
        }
    }

    /**
     * Returns a free item, else a new one while fewer than maxSize exist, else waits
     * for a {@link #put} (no time limit; use a {@code Timeout}).
     *
     * @return the item
     * @throws NullPointerException if {@code create} returns null
     * @throws RuntimeException what {@code create} throws, as is (the count is rolled back)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public T get() {
        return get((Duration) null);
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeout} for a put. The timeout bounds
     * only the wait: a call to {@code create} runs to its end.
     *
     * @param timeout null, or 2^62 ns (about 146 years) or more: no limit; zero or
     *                negative: no waiting, only a free item or room to create one
     * @return the item
     * @throws TimeoutExpired if the timeout passes before an item comes (its
     *         {@code timeout()} is null); or if a {@code Timeout} of the caller fires while it waits
     * @throws NullPointerException if {@code create} returns null
     * @throws RuntimeException what {@code create} throws, as is (the count is rolled back)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public T get(Duration timeout) {
        long deadline = Parking.deadline(timeout);
        Waiter<T> w;
        synchronized (this) {
            T item = free.pollFirst();
            if (item != null) {
                return item;
            }
            if (count < maxSize) {
                count++;
                w = null;
            } else {
                w = new Waiter<>();
                getters.addLast(w);
            }
        }
        if (w == null) {
            return createCounted();
        }
        if (!w.await(this, deadline, exit)) {
            throw new TimeoutExpired(null);
        }
        return w.item() != null ? w.item() : createCounted(); // null: served the right to create
    }

    private final Waiter.Exit<T> exit = new Waiter.Exit<>() {
        @Override
        public void abandoned(Waiter<T> w) {
            getters.remove(w);
        }

        @Override
        public void servedButThrowing(Waiter<T> w) {
            if (w.item() != null) {
                handOver(w.item(), true);
            } else {
                count--;          // the right to create goes to the next getter
                grantCreates();
            }
        }
    };

    /** Creates an item already counted; rolls the count back if create throws. */
    private T createCounted() {
        boolean ok = false;
        try {
            T t = Objects.requireNonNull(create.get(), "create returned null");
            ok = true;
            return t;
        } finally {
            if (!ok) {
                synchronized (this) {
                    count--;
                    grantCreates();
                }
            }
        }
    }

    /** Lets waiting getters create while there is room (after a resize up or a failed create). */
    private void grantCreates() {
        while (count < maxSize && !getters.isEmpty()) {
            count++;
            getters.pollFirst().serve(null);
        }
    }

    /**
     * Returns an item: to the longest waiting getter, else to the free list. Above
     * maxSize (after a shrink) it is dropped instead. Never blocks. The pool does not
     * check that the item came from it or is not put twice.
     *
     * @param item the item
     * @throws NullPointerException if {@code item} is null
     */
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        synchronized (this) {
            if (count > maxSize) {
                count--;
                return;
            }
            handOver(item, false);
        }
    }

    /**
     * Drops an item taken from the pool instead of putting it back: one that is
     * broken, say a connection whose query was killed or timed out halfway (its socket
     * closed by the interrupt, or its protocol left in the middle of a reply). The
     * pool counts one item fewer, so the longest waiting getter, if any, creates a new
     * one. The pool does not close the item: close it yourself. Never blocks.
     *
     * <pre>{@code
     * Connection c = pool.get();
     * boolean ok = false;
     * try {
     *     ... use c ...
     *     ok = true;
     * } finally {
     *     if (ok) pool.put(c); else { pool.discard(c); c.close(); }
     * }
     * }</pre>
     *
     * @param item the item, taken from this pool and not put back
     * @throws NullPointerException if {@code item} is null
     */
    public void discard(T item) {
        Objects.requireNonNull(item, "item");
        synchronized (this) {
            count--;
            grantCreates();
        }
    }

    private void handOver(T item, boolean atHead) {
        Waiter<T> w = getters.pollFirst();
        if (w != null) {
            w.serve(item);
        } else if (atHead) {
            free.addFirst(item);
        } else {
            free.addLast(item);
        }
    }

    /**
     * Gets an item, as {@link #get()}, and returns a lease whose close() puts it back,
     * unless {@link Lease#discard()} dropped it first.
     *
     * @return the lease
     * @throws NullPointerException if {@code create} returns null
     * @throws RuntimeException what {@code create} throws, as is
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public Lease<T> lease() {
        T item = get();
        return new Lease<>() {
            private boolean closed;

            @Override
            public T get() {
                return item;
            }

            @Override
            public void close() {
                if (end()) {
                    put(item);
                }
            }

            @Override
            public void discard() {
                if (end()) {
                    ResourcePool.this.discard(item);
                }
            }

            private synchronized boolean end() {
                boolean first = !closed;
                closed = true;
                return first;
            }
        };
    }

    /**
     * Items a get could have without waiting.
     *
     * @return free ones plus room to create
     */
    public synchronized int free() {
        return free.size() + Math.max(0, maxSize - count);
    }

    /**
     * Number of threads waiting in get.
     *
     * @return the count
     */
    public synchronized int waiting() {
        return getters.size();
    }

    /**
     * Items in existence (free, in use, or being created).
     *
     * @return the count
     */
    public synchronized int size() {
        return count;
    }

    /**
     * Changes maxSize; growing lets waiting getters create, shrinking drops items as
     * they are put back. Never blocks.
     *
     * @param maxSize the most items in existence
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public synchronized void resize(int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be >= 0: " + maxSize);
        }
        this.maxSize = maxSize;
        grantCreates();
    }
}
