package org.greenhub.internal.hub;

/**
 * A callback scheduled on a hub loop ({@link HubLoop#schedule}); the public
 * {@code org.greenhub.hub.Timer} wraps one. Timers fire in deadline
 * order, ties in the order they were scheduled. {@link #cancel} may be called from
 * any thread; a cancelled timer leaves the hub's heap at once (or, from another
 * thread, at the hub's next pass), so its callback is not kept reachable until
 * its deadline.
 */
public final class HubTimer {
    final HubLoop hub;
    final long deadline;   // System.nanoTime() based
    long seq;              // scheduling order, breaks deadline ties; set by the hub when it adds the timer
    final Runnable action;
    int heapIndex = -1;    // position in the hub's heap; -1 when not in it
    private volatile boolean cancelled;

    HubTimer(HubLoop hub, long deadline, Runnable action) {
        this.hub = hub;
        this.deadline = deadline;
        this.action = action;
    }

    /** Stops the timer from firing; does nothing once it has fired. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (deadline != Parking.NO_DEADLINE) { // such a timer never entered the heap
            hub.removeTimer(this);
        }
    }

    /** Whether {@link #cancel} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    boolean before(HubTimer o) {
        long d = deadline - o.deadline;
        return d < 0 || (d == 0 && seq < o.seq);
    }
}
