package org.greenhub.internal.hub;

/**
 * One thread waiting in a primitive's FIFO list until another thread
 * serves it: hands it an item, a permit or a slot. The primitive serves waiters
 * under its lock; {@link #await} parks and handles both ways of leaving, so that
 * a waiter that times out or is killed never swallows what it was given.
 */
public final class Waiter<T> {
    /** The waiting thread. */
    public final Thread thread = Thread.currentThread();
    private T item;                  // offered (a putter's) or received; guarded by the owner's lock
    private volatile boolean served;

    /** A waiter that will receive something. */
    public Waiter() {
    }

    /** A waiter that offers {@code item} (a putter). */
    public Waiter(T item) {
        this.item = item;
    }

    /** What the waiter offers or received. */
    public T item() {
        return item;
    }

    /**
     * Under the owner's lock: hands {@code item} over and wakes the thread. The owner has
     * taken the waiter off its list first: a served waiter that returns does not lock again.
     */
    public void serve(T item) {
        this.item = item;
        served = true;
        Parking.unpark(thread);
    }

    /** Under the owner's lock: serves a waiter that keeps its item (a putter whose item was taken). */
    public void serve() {
        served = true;
        Parking.unpark(thread);
    }

    /** What a primitive does, under its lock, when a waiter leaves other than by being served and returning. */
    public interface Exit<T> {
        /** Gave up before being served (deadline, kill, Timeout): forget it. */
        void abandoned(Waiter<T> w);

        /** Served, but leaving with an exception (kill, Timeout): pass on what it was given. */
        void servedButThrowing(Waiter<T> w);
    }

    /**
     * Parks until served or the deadline ({@link Parking#NO_DEADLINE}: none); returns
     * whether it was served. A pending kill or Timeout is thrown after {@code exit}
     * has run under {@code lock}.
     */
    public boolean await(Object lock, long deadline, Exit<T> exit) {
        Strand me = Strand.current();
        boolean returning = false;
        try {
            while (!served && Parking.park(me, lock, deadline)) {
                // a spurious wake-up: check again
            }
            returning = true;
        } finally {
            // Served and returning: the server took it off its list, nothing to undo, so no
            // lock (one monitor enter and exit less per wait). served is volatile, written
            // after the item, and stays true.
            if (!returning || !served) {
                synchronized (lock) {
                    if (!served) {
                        exit.abandoned(this);
                    } else if (!returning) {
                        exit.servedButThrowing(this);
                    }
                }
            }
        }
        return served;
    }
}
