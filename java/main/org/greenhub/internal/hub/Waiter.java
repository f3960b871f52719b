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

    /**
     * A green thread about to park first lets the green threads already runnable on its
     * hub run (one {@code Thread.yield()}), when there are some: in a hand-off the one it
     * has just woken or served usually serves it back meanwhile, and a yield costs less
     * than a park and the unpark that ends it (the server's unpark then only leaves a
     * permit, which the thread's next park consumes: a spurious wake-up, which every
     * caller of park expects). The yield counts as the wait's first park: a kill, Timeout
     * or interrupt that came meanwhile is thrown after it as after a park, even when the
     * waiter was served. Not when the deadline has passed (a zero timeout takes only what
     * is there now), when a kill or Timeout is pending already (the park throws it at
     * once, as before), or for a plain thread. The waiter is already on its primitive's
     * list, so the order in which waiters are served does not change.
     */
    private void yieldFirst(Strand me, Object blocker, long deadline) {
        HubLoop hub = me.hub();
        if (served || hub == null || !hub.othersRunnable() || me.hasPending()
                || deadline != Parking.NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            return;
        }
        Thread.yield();
        Parking.afterWake(me, blocker);
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
            yieldFirst(me, lock, deadline);
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
