package org.greenhub.internal.hub;

import java.util.ArrayList;
import java.util.function.BooleanSupplier;

/**
 * The threads waiting until a condition holds that another thread makes true (a green
 * thread's end, a pool going idle, a queue's tasks all done): the one list for "wait
 * until". The owner guards it with its lock: {@link #await} takes that lock to enlist
 * and to read the condition, and {@link #wakeAll} is called holding it. A waiter that is
 * killed or timed out leaves the list on its way out. ({@link Waiter} is the other kind:
 * a FIFO line whose members are served one by one.)
 */
public final class WaitList {
    private final ArrayList<Thread> threads = new ArrayList<>(2);

    /**
     * Parks the current thread (green or plain) until {@code done}, read under
     * {@code lock}, is true; returns at once when it already is. A pending kill or
     * Timeout is thrown from here, as from every wait.
     */
    public void await(Object lock, BooleanSupplier done) {
        Strand me = Strand.current();
        Thread self = me.javaThread();
        synchronized (lock) {
            if (done.getAsBoolean()) {
                return;
            }
            threads.add(self);
        }
        try {
            while (true) {
                synchronized (lock) {
                    if (done.getAsBoolean()) {
                        return;
                    }
                }
                Parking.park(me, lock, Parking.NO_DEADLINE);
            }
        } finally {
            synchronized (lock) {
                threads.remove(self);
            }
        }
    }

    /** Holding the owner's lock: wakes every waiter, each of which reads its condition again. */
    public void wakeAll() {
        for (Thread t : threads) {
            Parking.unpark(t);
        }
    }
}
