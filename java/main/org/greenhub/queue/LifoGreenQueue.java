package org.greenhub.queue;

import java.util.ArrayDeque;

/** eventlet.queue.LifoQueue: {@code get} returns the most recently put item. */
public class LifoGreenQueue<E> extends GreenQueue<E> {
    private final ArrayDeque<E> stack = new ArrayDeque<>();

    public LifoGreenQueue() {
        super();
    }

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
