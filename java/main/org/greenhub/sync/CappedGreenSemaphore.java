package org.greenhub.sync;

import java.time.Duration;

/**
 * eventlet.semaphore.CappedSemaphore: a semaphore whose count may not exceed
 * {@code limit}; a release at the limit blocks until an acquire makes room. Built,
 * as Eventlet's, from two fair semaphores: {@code lower} holds the permits,
 * {@code upper} the room below the limit. An acquirer makes room before it waits,
 * so a release at the limit goes straight to a waiting acquirer (even with limit 0).
 *
 * <p>Blocking calls park a green thread (its hub runs the others) and block a plain
 * thread, and throw, as {@link GreenSemaphore}'s, the caller's kill, {@code Timeout}
 * or interrupt. Works across hubs and from plain threads.
 */
public class CappedGreenSemaphore {
    private final GreenSemaphore lower;  // permits
    private final GreenSemaphore upper;  // room below the limit

    /**
     * Creates a semaphore with {@code count} permits that never holds more than {@code limit}.
     *
     * @param count the initial number of permits
     * @param limit the most permits it holds
     * @throws IllegalArgumentException unless {@code 0 <= count <= limit}
     */
    public CappedGreenSemaphore(int count, int limit) {
        if (count < 0 || limit < count) {
            throw new IllegalArgumentException("need 0 <= count <= limit: count " + count + ", limit " + limit);
        }
        lower = new GreenSemaphore(count);
        upper = new GreenSemaphore(limit - count);
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
        acquire((Duration) null);
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
        upper.release();
        boolean ok = false;
        try {
            ok = lower.acquire(timeout);
            return ok;
        } finally {
            if (!ok) {
                upper.takeBack(); // as Eventlet: the room may already be used, then upper goes below zero
            }
        }
    }

    /**
     * Takes a permit if one is free right now; never blocks.
     *
     * @return whether it got one
     */
    public boolean tryAcquire() {
        if (!lower.tryAcquire()) {
            return false;
        }
        upper.release();
        return true;
    }

    /**
     * Returns a permit, waiting while the count is at its limit and no acquirer waits
     * (no time limit; use a {@code Timeout}).
     *
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void release() {
        upper.acquire();
        lower.release();
    }

    /**
     * As Eventlet's balance.
     *
     * @return the permits' balance minus the room's balance
     */
    public int balance() {
        return lower.balance() - upper.balance();
    }

    /**
     * Acquires a permit, as {@link #acquire()}, and returns a handle whose close()
     * releases it (and may wait, as {@link #release()} does).
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
}
