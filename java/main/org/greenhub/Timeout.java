package org.greenhub;

import java.time.Duration;
import org.greenhub.internal.hub.HubKinds;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.HubTimer;
import org.greenhub.internal.hub.Strand;

/**
 * eventlet.Timeout: if the block is still running after the duration,
 * {@link TimeoutExpired} (or the given exception) is thrown inside the thread that
 * started it, at its next blocking point.
 *
 * <pre>{@code
 * try (Timeout t = Timeout.start(Duration.ofSeconds(2))) {
 *     socket.recv(buf);
 * } catch (TimeoutExpired e) {
 *     if (e.timeout() != t) throw e; // an outer timeout
 * }
 * }</pre>
 */
public final class Timeout implements AutoCloseable {
    private final Duration duration;
    private final Strand owner;
    private final RuntimeException toThrow;
    private HubTimer timer;              // guarded by this
    private boolean pending;             // guarded by this
    private RuntimeException thrown;     // guarded by this: what fire() delivered

    private Timeout(Duration duration, Strand owner, RuntimeException toThrow) {
        this.duration = duration;
        this.owner = owner;
        this.toThrow = toThrow;
    }

    /** Starts a timeout of {@code d} for the current thread; null never fires, zero fires at the next blocking point. */
    public static Timeout start(Duration d) {
        return start(d, null);
    }

    /** Like {@link #start(Duration)}, throwing {@code toThrow} instead of {@link TimeoutExpired}. */
    public static Timeout start(Duration d, RuntimeException toThrow) {
        Timeout t = new Timeout(d, Strand.current(), toThrow);
        if (d != null) {
            synchronized (t) {
                t.pending = true;
                if (d.isZero() || d.isNegative()) {
                    t.fire();
                } else {
                    HubLoop hub = t.owner.hub();
                    t.timer = (hub != null ? hub : HubKinds.defaultLoop()).schedule(d, t::fire);
                }
            }
        }
        return t;
    }

    private synchronized void fire() {
        if (!pending) {
            return;
        }
        pending = false;
        thrown = toThrow != null ? toThrow : new TimeoutExpired(this);
        owner.deliver(thrown, false);
    }

    /** The duration it was started with (null: never fires). */
    public Duration duration() {
        return duration;
    }

    /** Whether it is armed and has not fired yet. */
    public synchronized boolean isPending() {
        return pending;
    }

    /** Disarms it; if it fired but was not thrown yet, it is not thrown at all. */
    public synchronized void cancel() {
        if (pending) {
            pending = false;
            if (timer != null) {
                timer.cancel();
            }
        } else if (thrown != null) {
            owner.withdraw(thrown);
        }
    }

    /** Same as {@link #cancel()}. */
    @Override
    public void close() {
        cancel();
    }

    @Override
    public String toString() {
        return "Timeout[" + duration + (isPending() ? ", pending" : "") + "]";
    }
}
