package org.greenhub.sync;

import java.time.Duration;

/**
 * eventlet.semaphore.CappedSemaphore: a semaphore whose count may not exceed
 * {@code limit}; a release at the limit blocks until an acquire makes room. Built,
 * as Eventlet's, from two fair semaphores: {@code lower} holds the permits,
 * {@code upper} the room below the limit. An acquirer makes room before it waits,
 * so a release at the limit goes straight to a waiting acquirer (even with limit 0).
 */
public class CappedGreenSemaphore {
    private final GreenSemaphore lower;  // permits
    private final GreenSemaphore upper;  // room below the limit

    public CappedGreenSemaphore(int count, int limit) {
        if (count < 0 || limit < count) {
            throw new IllegalArgumentException("need 0 <= count <= limit: count " + count + ", limit " + limit);
        }
        lower = new GreenSemaphore(count);
        upper = new GreenSemaphore(limit - count);
    }

    /** Takes a permit, blocking until one is free. */
    public void acquire() {
        acquire((Duration) null);
    }

    /** Takes a permit, waiting at most {@code timeout} (null: no limit); returns whether it got one. */
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

    /** Takes a permit if one is free right now; never blocks. */
    public boolean tryAcquire() {
        if (!lower.tryAcquire()) {
            return false;
        }
        upper.release();
        return true;
    }

    /** Returns a permit, blocking while the count is at its limit (and no acquirer waits). */
    public void release() {
        upper.acquire();
        lower.release();
    }

    /** As Eventlet's: the permits' balance minus the room's balance. */
    public int balance() {
        return lower.balance() - upper.balance();
    }

    /** Acquires a permit and returns a handle whose close() releases it. */
    public Permit enter() {
        acquire();
        return Permit.releasing(this::release);
    }
}
