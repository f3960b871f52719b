package org.greenhub.sync;

import java.time.Duration;
import java.util.ArrayDeque;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Waiter;

/**
 * eventlet.semaphore.Semaphore, fair: waiters are served first come, first served,
 * and a release with waiters hands its permit straight to the first of them (so a
 * thread that releases and at once re-acquires queues behind it). A waiter that
 * gives up (timeout, kill) after it was handed a permit passes the permit on.
 *
 * <p>A blocking call parks a green thread, and its hub runs the others meanwhile; a
 * plain thread blocks only itself. Works across hubs. A green thread killed while it
 * waits gets {@link org.greenhub.GreenThreadExit}; one whose {@code Timeout} fires gets
 * {@link org.greenhub.TimeoutExpired}; a thread interrupted while it waits gets a
 * {@link org.greenhub.GreenException} whose cause is an InterruptedException (its
 * interrupt status stays set).
 */
public class GreenSemaphore {
    private int count;                                         // guarded by this; < 0 only via takeBack
    private final ArrayDeque<Waiter<Void>> waiters = new ArrayDeque<>(); // guarded by this
    private final int bound;                                   // release may not raise count above it

    /**
     * Creates a semaphore with {@code count} permits.
     *
     * @param count the initial number of permits
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public GreenSemaphore(int count) {
        this(count, Integer.MAX_VALUE);
    }

    GreenSemaphore(int count, int bound) {
        if (count < 0) {
            throw new IllegalArgumentException("semaphore count must be >= 0: " + count);
        }
        this.count = count;
        this.bound = bound;
    }

    /**
     * Takes a permit, waiting until one is free (no time limit; use a {@code Timeout}).
     *
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void acquire() {
        acquire(Parking.NO_DEADLINE);
    }

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * @param timeout null, or 2^62 ns (about 146 years) or more: no limit; zero or
     *                negative: take one only if one is free now
     * @return true if it got a permit, false if the timeout passed first
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public boolean acquire(Duration timeout) {
        return acquire(Parking.deadline(timeout));
    }

    /**
     * Takes a permit if one is free right now (and nobody waits); never blocks.
     *
     * @return whether it got one
     */
    public synchronized boolean tryAcquire() {
        if (count > 0) {
            count--;
            return true;
        }
        return false;
    }

    private boolean acquire(long deadline) {
        Waiter<Void> w;
        synchronized (this) {
            if (count > 0) {
                count--;
                return true;
            }
            if (deadline != Parking.NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                return false;
            }
            w = new Waiter<>();
            waiters.addLast(w);
        }
        return w.await(this, deadline, exit);
    }

    private final Waiter.Exit<Void> exit = new Waiter.Exit<>() {
        @Override
        public void abandoned(Waiter<Void> w) {
            waiters.remove(w);
        }

        @Override
        public void servedButThrowing(Waiter<Void> w) {
            give(); // pass the permit on
        }
    };

    /**
     * Returns a permit: to the first waiter if any, else to the count. Any thread, not
     * only one that acquired; never blocks.
     *
     * @throws IllegalStateException if nobody waits and the count is at its bound
     *         ({@link Integer#MAX_VALUE}; a {@link BoundedGreenSemaphore}'s initial count)
     */
    public synchronized void release() {
        if (waiters.isEmpty() && count >= bound) {
            throw new IllegalStateException("semaphore released too many times");
        }
        give();
    }

    private void give() {
        Waiter<Void> w = count < 0 ? null : waiters.pollFirst(); // below zero: pay the debt first
        if (w != null) {
            w.serve(null);
        } else {
            count++;
        }
    }

    /** Takes a permit back without waiting, letting the count go below zero (CappedGreenSemaphore). */
    synchronized void takeBack() {
        count--;
    }

    /**
     * As Eventlet's balance.
     *
     * @return free permits minus waiters
     */
    public synchronized int balance() {
        return count - waiters.size();
    }

    /**
     * Acquires a permit, as {@link #acquire()}, and returns a handle whose close()
     * releases it: for try-with-resources.
     *
     * @return the permit handle
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public Permit enter() {
        acquire();
        return Permit.releasing(this::release);
    }

    @Override
    public synchronized String toString() {
        return getClass().getSimpleName() + "[count=" + count + ", waiters=" + waiters.size() + "]";
    }
}
