package org.greenhub.queue;

import java.util.Comparator;
import java.util.PriorityQueue;

/** eventlet.queue.PriorityQueue: {@code get} returns the least item (natural order or the Comparator's). */
public class PriorityGreenQueue<E> extends GreenQueue<E> {
    private final PriorityQueue<E> heap;

    public PriorityGreenQueue() {
        this(-1, null);
    }

    public PriorityGreenQueue(int maxSize) {
        this(maxSize, null);
    }

    public PriorityGreenQueue(Comparator<? super E> comparator) {
        this(-1, comparator);
    }

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
