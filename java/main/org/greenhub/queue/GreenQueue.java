package org.greenhub.queue;

import java.util.ArrayList;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Strand;

/**
 * eventlet.queue.Queue: a {@link LightQueue} that also counts unfinished tasks.
 * Every item put adds one; {@link #taskDone()} removes one; {@link #join()} blocks
 * until the count is zero.
 */
public class GreenQueue<E> extends LightQueue<E> {
    private int unfinished;                                   // guarded by lock
    private final ArrayList<Thread> joiners = new ArrayList<>(); // guarded by lock

    public GreenQueue() {
        super();
    }

    public GreenQueue(int maxSize) {
        super(maxSize);
    }

    @Override
    void onPut() {
        unfinished++;
    }

    /** Marks one item as processed; throws IllegalStateException when called more often than items were put. */
    public void taskDone() {
        synchronized (lock) {
            if (unfinished <= 0) {
                throw new IllegalStateException("taskDone() called more times than there were items");
            }
            if (--unfinished == 0) {
                for (Thread t : joiners) {
                    Parking.unpark(t);
                }
            }
        }
    }

    /** Blocks until every item put has been marked done with {@link #taskDone()}. */
    public void join() {
        Strand me = Strand.current();
        synchronized (lock) {
            if (unfinished == 0) {
                return;
            }
            joiners.add(me.javaThread());
        }
        try {
            while (true) {
                synchronized (lock) {
                    if (unfinished == 0) {
                        return;
                    }
                }
                Parking.park(me, this, Parking.NO_DEADLINE);
            }
        } finally {
            synchronized (lock) {
                joiners.remove(me.javaThread());
            }
        }
    }

    /** Number of items put and not yet marked done. */
    public int unfinishedTasks() {
        synchronized (lock) {
            return unfinished;
        }
    }
}
