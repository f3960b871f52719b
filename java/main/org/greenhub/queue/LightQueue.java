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
 *
 * <p>A blocking call parks a green thread, and its hub runs the others meanwhile; a
 * plain thread blocks only itself. Timed calls take a {@link Duration}: null, or
 * 2^62 ns (about 146 years) or more, means no limit; zero or negative means the
 * deadline has passed already, so the call does what it can without waiting and then
 * times out. A green thread killed while it waits gets
 * {@link org.greenhub.GreenThreadExit}; one whose {@code Timeout} fires gets
 * {@link org.greenhub.TimeoutExpired}; a thread interrupted while it waits gets a
 * {@link org.greenhub.GreenException} whose cause is an InterruptedException (its
 * interrupt status stays set).
 *
 * @param <E> the type of the items
 */
public class LightQueue<E> {
    /** Guards everything below and the state of subclasses. Never held while parked. */
    final Object lock = new Object() {
        @Override
        public String toString() {
            return LightQueue.this.toString(); // what Debug.dumpGreenThreads() says a waiter waits on
        }
    };
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final ArrayDeque<Waiter<E>> getters = new ArrayDeque<>();
    private final ArrayDeque<Waiter<E>> putters = new ArrayDeque<>();
    private int maxSize;

    /** Creates an unbounded queue. */
    public LightQueue() {
        this(-1);
    }

    /**
     * Creates a queue holding at most {@code maxSize} items.
     *
     * @param maxSize the bound; 0: a channel; negative: unbounded
     */
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

    /**
     * Puts {@code e}, waiting while the queue is full (a channel: until a getter takes
     * it). If the wait ends with an exception after the item was taken, the item stays
     * delivered.
     *
     * @param e the item
     * @throws NullPointerException if {@code e} is null
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void put(E e) {
        put(e, Parking.NO_DEADLINE);
    }

    /**
     * Like {@link #put(Object)}, waiting at most {@code timeout}.
     *
     * @param e the item
     * @param timeout null, or 2^62 ns (about 146 years) or more: no limit; zero or
     *                negative: put only if there is room now (a channel: a getter waits)
     * @throws QueueFull if the timeout passes before the item is taken in
     * @throws NullPointerException if {@code e} is null
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void put(E e, Duration timeout) {
        if (!put(e, Parking.deadline(timeout))) {
            throw new QueueFull();
        }
    }

    /**
     * Puts {@code e} if that needs no waiting (a channel: a getter waits); never blocks.
     *
     * @param e the item
     * @return whether it was put
     * @throws NullPointerException if {@code e} is null
     */
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

    /**
     * Removes and returns the next item, waiting while the queue is empty.
     *
     * @return the item
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public E get() {
        return get(Parking.NO_DEADLINE);
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeout}.
     *
     * @param timeout null, or 2^62 ns (about 146 years) or more: no limit; zero or
     *                negative: take an item only if one is there now (or a putter waits)
     * @return the item
     * @throws QueueEmpty if the timeout passes before an item comes
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public E get(Duration timeout) {
        E e = get(Parking.deadline(timeout));
        if (e == null) {
            throw new QueueEmpty();
        }
        return e;
    }

    /**
     * Removes and returns the next item if one is there (or a putter waits with one). Never blocks.
     *
     * @return the item, or null when there is none
     */
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

    /**
     * Changes the bound. Growing admits waiting putters; shrinking drops nothing (puts
     * wait until the queue is below the new bound). Never blocks.
     *
     * @param maxSize the new bound; 0: a channel; negative: unbounded
     */
    public void resize(int maxSize) {
        synchronized (lock) {
            this.maxSize = maxSize < 0 ? -1 : maxSize;
            admitPutters();
        }
    }

    /**
     * Number of items in the queue.
     *
     * @return the count (0 for a channel: its items go straight to getters)
     */
    public int size() {
        synchronized (lock) {
            return count();
        }
    }

    /**
     * Whether there is no item in the queue.
     *
     * @return true when empty (always for a channel)
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Whether the queue is at its bound, so that a put waits unless a getter waits.
     *
     * @return true when full (always for a channel)
     */
    public boolean isFull() {
        synchronized (lock) {
            return maxSize >= 0 && count() >= maxSize;
        }
    }

    /**
     * The bound.
     *
     * @return the most items the queue holds; 0 for a channel; -1 when unbounded
     */
    public int maxSize() {
        synchronized (lock) {
            return maxSize;
        }
    }

    /**
     * Number of threads waiting in get.
     *
     * @return the count
     */
    public int getting() {
        synchronized (lock) {
            return getters.size();
        }
    }

    /**
     * Number of threads waiting in put.
     *
     * @return the count
     */
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
