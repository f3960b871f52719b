package org.greenhub.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Waiter;

/**
 * eventlet.queue.LightQueue: a FIFO queue for green threads, also safe across hubs
 * and from plain threads. Unbounded, bounded ({@code maxSize > 0}) or a channel
 * ({@code maxSize == 0}: {@code put} returns once a getter has the item).
 *
 * <p>Blocked getters and putters are served first come, first served: an item is
 * handed straight to the longest waiting getter, a freed place to the longest
 * waiting putter. A getter that gives up (timeout, kill) after an item was handed
 * to it passes the item on, so no item is ever lost. Null items are refused.
 */
public class LightQueue<E> {
    /** Guards everything below and the state of subclasses. Never held while parked. */
    final Object lock = new Object();
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final ArrayDeque<Waiter<E>> getters = new ArrayDeque<>();
    private final ArrayDeque<Waiter<E>> putters = new ArrayDeque<>();
    private int maxSize;

    /** An unbounded queue. */
    public LightQueue() {
        this(-1);
    }

    /** A queue holding at most {@code maxSize} items; 0 is a channel, negative unbounded. */
    public LightQueue(int maxSize) {
        this.maxSize = maxSize < 0 ? -1 : maxSize;
    }

    // ---- storage hooks (under lock): FIFO here, overridden for priority and LIFO order

    void addItem(E e) {
        items.addLast(e);
    }

    E takeItem() {
        return items.pollFirst();
    }

    /** Puts back an item a getter gave up: it goes where the next get finds it first. */
    void returnItem(E e) {
        items.addFirst(e);
    }

    int count() {
        return items.size();
    }

    /** Called under lock once per item accepted by a put (GreenQueue counts tasks). */
    void onPut() {
    }

    // ---- put ------------------------------------------------------------------------

    /** Puts {@code e}, blocking while the queue is full (a channel: until a getter takes it). */
    public void put(E e) {
        put(e, Parking.NO_DEADLINE);
    }

    /** Like {@link #put(Object)}; throws {@link QueueFull} when {@code timeout} passes first (null: no timeout). */
    public void put(E e, Duration timeout) {
        if (!put(e, Parking.deadline(timeout))) {
            throw new QueueFull();
        }
    }

    /** Puts {@code e} if that needs no waiting; never blocks. */
    public boolean offer(E e) {
        Objects.requireNonNull(e, "item");
        synchronized (lock) {
            return tryPut(e);
        }
    }

    private boolean put(E e, long deadline) {
        Objects.requireNonNull(e, "item");
        Waiter<E> w;
        synchronized (lock) {
            if (tryPut(e)) {
                return true;
            }
            w = new Waiter<>(e);
            putters.addLast(w);
        }
        // A put interrupted (kill, Timeout) after its item was accepted still throws;
        // the item stays delivered: never lost, never duplicated.
        return w.await(lock, deadline, putterExit);
    }

    private boolean tryPut(E e) {
        Waiter<E> g = getters.pollFirst();
        if (g != null) {
            onPut();
            g.serve(e);
            return true;
        }
        if (maxSize < 0 || count() < maxSize) {
            addItem(e);
            onPut();
            return true;
        }
        return false;
    }

    // ---- get ------------------------------------------------------------------------

    /** Removes and returns the next item, blocking while the queue is empty. */
    public E get() {
        return get(Parking.NO_DEADLINE);
    }

    /** Like {@link #get()}; throws {@link QueueEmpty} when {@code timeout} passes first (null: no timeout). */
    public E get(Duration timeout) {
        E e = get(Parking.deadline(timeout));
        if (e == null) {
            throw new QueueEmpty();
        }
        return e;
    }

    /** The next item if one is there (or a putter waits with one); null otherwise. Never blocks. */
    public E poll() {
        synchronized (lock) {
            return tryGet();
        }
    }

    private E get(long deadline) {
        Waiter<E> w;
        synchronized (lock) {
            E e = tryGet();
            if (e != null) {
                return e;
            }
            w = new Waiter<>();
            getters.addLast(w);
        }
        return w.await(lock, deadline, getterExit) ? w.item() : null;
    }

    private E tryGet() {
        if (count() > 0) {
            E e = takeItem();
            admitPutters();
            return e;
        }
        Waiter<E> p = putters.pollFirst(); // a channel, or a queue resized to 0
        if (p != null) {
            onPut();
            p.serve();
            return p.item();
        }
        return null;
    }

    /** Moves waiting putters' items in while there is room. */
    private void admitPutters() {
        while (!putters.isEmpty() && (maxSize < 0 || count() < maxSize)) {
            Waiter<E> p = putters.pollFirst();
            addItem(p.item());
            onPut();
            p.serve();
        }
    }

    /** Gives an item back after its getter gave up: to the next getter, else to the head. */
    private void handBack(E e) {
        Waiter<E> g = getters.pollFirst();
        if (g != null) {
            g.serve(e);
        } else {
            returnItem(e);
        }
    }

    private final Waiter.Exit<E> getterExit = new Waiter.Exit<>() {
        @Override
        public void abandoned(Waiter<E> w) {
            getters.remove(w);
        }

        @Override
        public void servedButThrowing(Waiter<E> w) {
            handBack(w.item()); // never swallow an item
        }
    };

    private final Waiter.Exit<E> putterExit = new Waiter.Exit<>() {
        @Override
        public void abandoned(Waiter<E> w) {
            putters.remove(w);
        }

        @Override
        public void servedButThrowing(Waiter<E> w) {
            // the item was delivered: it stays delivered, the put still throws
        }
    };

    // ---- state ----------------------------------------------------------------------

    /** Changes the bound (negative: unbounded). Growing admits waiting putters; shrinking drops nothing. */
    public void resize(int maxSize) {
        synchronized (lock) {
            this.maxSize = maxSize < 0 ? -1 : maxSize;
            admitPutters();
        }
    }

    /** Number of items in the queue. */
    public int size() {
        synchronized (lock) {
            return count();
        }
    }

    /** Whether there is no item in the queue (always true for an idle channel). */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Whether a put would block (always true for a channel). */
    public boolean isFull() {
        synchronized (lock) {
            return maxSize >= 0 && count() >= maxSize;
        }
    }

    /** The bound; -1 when unbounded. */
    public int maxSize() {
        synchronized (lock) {
            return maxSize;
        }
    }

    /** Number of threads blocked in get. */
    public int getting() {
        synchronized (lock) {
            return getters.size();
        }
    }

    /** Number of threads blocked in put. */
    public int putting() {
        synchronized (lock) {
            return putters.size();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return getClass().getSimpleName() + "[size=" + count() + ", maxSize=" + maxSize
                    + ", getting=" + getters.size() + ", putting=" + putters.size() + "]";
        }
    }
}
