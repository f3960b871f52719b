package org.greenhub.queue;

import org.greenhub.internal.hub.WaitList;

/**
 * eventlet.queue.Queue: a {@link LightQueue} that also counts unfinished tasks.
 * Every item put adds one; {@link #taskDone()} removes one; {@link #join()} blocks
 * until the count is zero.
 *
 * @param <E> the type of the items
 */
public class GreenQueue<E> extends LightQueue<E> {
    private int unfinished;                                   // guarded by lock
    private final WaitList joiners = new WaitList(); // guarded by lock

    /** Creates an unbounded queue. */
    public GreenQueue() {
        super();
    }

    /**
     * Creates a queue holding at most {@code maxSize} items.
     *
     * @param maxSize the bound; 0: a channel; negative: unbounded
     */
    public GreenQueue(int maxSize) {
        super(maxSize);
    }

    @Override
    void onPut() {
        unfinished++;
    }

    /**
     * Marks one item as processed; at zero unfinished items, wakes the threads in {@link #join()}. Never blocks.
     *
     * @throws IllegalStateException if called more often than items were put
     */
    public void taskDone() {
        synchronized (lock) {
            if (unfinished <= 0) {
                throw new IllegalStateException("taskDone() called more times than there were items");
            }
            if (--unfinished == 0) {
                joiners.wakeAll();
            }
        }
    }

    /**
     * Waits until every item put has been marked done with {@link #taskDone()} (no time
     * limit; use a {@code Timeout}). Returns at once when none is unfinished.
     *
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void join() {
        joiners.await(lock, () -> unfinished == 0);
    }

    /**
     * Number of items put and not yet marked done.
     *
     * @return the count
     */
    public int unfinishedTasks() {
        synchronized (lock) {
            return unfinished;
        }
    }
}
