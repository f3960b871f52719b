package org.greenhub.hub;

import org.greenhub.internal.hub.HubTimer;

/**
 * A callback scheduled on a hub ({@link Hub#schedule}). Timers fire in deadline
 * order, ties in the order they were scheduled. {@link #cancel} may be called from
 * any thread; a cancelled timer leaves the hub's heap at once (or, from another
 * thread, at the hub's next pass), so its callback is not kept reachable until its
 * deadline.
 */
public final class Timer {
    private final HubTimer timer;

    Timer(HubTimer timer) {
        this.timer = timer;
    }

    /** Stops the timer from firing; does nothing once it has fired or was cancelled. Any thread; never blocks. */
    public void cancel() {
        timer.cancel();
    }

    /**
     * Whether {@link #cancel} was called.
     *
     * @return true once cancelled (even if it had fired before)
     */
    public boolean isCancelled() {
        return timer.isCancelled();
    }
}
