package org.greenhub.queue;

import java.util.ArrayDeque;

/**
 * eventlet.queue.LifoQueue: {@code get} returns the most recently put item.
 *
 * @param <E> the type of the items
 */
public class LifoGreenQueue<E> extends GreenQueue<E> {
    private final ArrayDeque<E> stack = new ArrayDeque<>();

    /** Creates an unbounded queue. */
    public LifoGreenQueue() {
        super();
    }

    /**
     * Creates a queue holding at most {@code maxSize} items.
     *
     * @param maxSize the bound; 0: a channel; negative: unbounded
     */
    public LifoGreenQueue(int maxSize) {
        super(maxSize);
    }

    @Override
    void addItem(E e) {
        stack.addLast(e);
    }

    @Override
    E takeItem() {
        return stack.pollLast();
    }

    @Override
    void returnItem(E e) {
        stack.addLast(e);
    }

    @Override
    int count() {
        return stack.size();
    }
}
