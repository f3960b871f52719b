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
 * <p>A blocking point is any greenhub call that waits (a primitive, a green socket,
 * {@code Green.sleep}, {@code GreenThread.await}, ...): the exception is thrown there
 * as soon as the timeout fires, or on entry to the next one. Code that never reaches
 * a blocking point is not interrupted, and JDK blocking calls ({@code Thread.sleep},
 * {@code Object.wait}) are not blocking points. A timeout works in a green thread
 * (its hub's timer) and in a plain thread (the default hub's timer). Always cancel
 * it, best with try-with-resources: one left armed fires into whatever the thread
 * does later.
 *
 * <p>A thread has at most one exception waiting to be thrown at its next blocking
 * point: a timeout that fires while a kill or another fired timeout is still waiting
 * there is dropped (it counts as fired, and is never thrown).
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

    /**
     * Starts a timeout of {@code d} for the current thread, which gets a
     * {@link TimeoutExpired} whose {@link TimeoutExpired#timeout()} is the returned
     * Timeout at its first blocking point after {@code d}. Never blocks.
     *
     * @param d how long until it fires: null never fires; zero or negative fires at
     *          once, so the exception is thrown at the next blocking point; 2^62 ns
     *          (about 146 years) or more never fires
     * @return the armed timeout, to {@link #cancel()} or {@link #close()}
     */
    public static Timeout start(Duration d) {
        return start(d, null);
    }

    /**
     * Like {@link #start(Duration)}, throwing {@code toThrow} instead of a
     * {@link TimeoutExpired}.
     *
     * @param d how long until it fires, as for {@link #start(Duration)}
     * @param toThrow the exception thrown when it fires; null: a {@link TimeoutExpired}
     * @return the armed timeout
     */
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

    /**
     * The duration it was started with.
     *
     * @return the duration (null: it never fires)
     */
    public Duration duration() {
        return duration;
    }

    /**
     * Whether it is armed: started with a non-null duration, not fired and not cancelled.
     *
     * @return true while it may still fire
     */
    public synchronized boolean isPending() {
        return pending;
    }

    /**
     * Disarms it: it will not fire. If it fired but its exception was not thrown yet,
     * that exception is withdrawn and never thrown. Idempotent; any thread; never blocks.
     */
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

    /** Same as {@link #cancel()}, for try-with-resources. */
    @Override
    public void close() {
        cancel();
    }

    @Override
    public String toString() {
        return "Timeout[" + duration + (isPending() ? ", pending" : "") + "]";
    }
}
