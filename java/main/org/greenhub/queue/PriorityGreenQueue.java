package org.greenhub.queue;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * eventlet.queue.PriorityQueue: {@code get} returns the least item (natural order or
 * the Comparator's). Without a comparator the items must be {@link Comparable}: a put
 * that stores an item that is not throws a {@link ClassCastException}.
 *
 * @param <E> the type of the items
 */
public class PriorityGreenQueue<E> extends GreenQueue<E> {
    private final PriorityQueue<E> heap;

    /** Creates an unbounded queue in natural order. */
    public PriorityGreenQueue() {
        this(-1, null);
    }

    /**
     * Creates a queue in natural order holding at most {@code maxSize} items.
     *
     * @param maxSize the bound; 0: a channel; negative: unbounded
     */
    public PriorityGreenQueue(int maxSize) {
        this(maxSize, null);
    }

    /**
     * Creates an unbounded queue ordered by {@code comparator}.
     *
     * @param comparator the order; null: natural order
     */
    public PriorityGreenQueue(Comparator<? super E> comparator) {
        this(-1, comparator);
    }

    /**
     * Creates a queue ordered by {@code comparator} holding at most {@code maxSize} items.
     *
     * @param maxSize the bound; 0: a channel; negative: unbounded
     * @param comparator the order; null: natural order
     */
    public PriorityGreenQueue(int maxSize, Comparator<? super E> comparator) {
        super(maxSize);
        this.heap = new PriorityQueue<>(comparator);
    }

    @Override
    void addItem(E e) {
        heap.add(e);
    }

    @Override
    E takeItem() {
        return heap.poll();
    }

    @Override
    void returnItem(E e) {
        heap.add(e);
    }

    @Override
    int count() {
        return heap.size();
    }
}
