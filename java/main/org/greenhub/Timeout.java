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
 * a blocking point is not interrupted. A timeout works in a green thread (its hub's
 * timer) and in a plain thread (the default hub's timer). Always cancel it, best with
 * try-with-resources: one left armed fires into whatever the thread does later.
 *
 * <p>A thread that waits in a JDK blocking call when the timeout fires
 * ({@code java.net} and {@code java.nio} channels, {@code Thread.sleep},
 * {@code java.util.concurrent} waits, {@code Process.waitFor}; so also a pure-Java
 * JDBC driver's query) is interrupted, within 20 ms if it enters one later while the
 * exception is still pending, and again every 20 ms if a library catches the
 * interrupt and waits again. The JDK call ends; an interrupted socket or NIO channel
 * is closed by the JDK (a pool must discard such a connection). The code in between
 * may let the interrupt through or turn it into an exception of its own (a driver's
 * SQLException wrapping a SocketException "Closed by interrupt"). What the caller
 * sees then:
 * <ul>
 * <li>{@link Green#withTimeout(Duration, java.util.concurrent.Callable)}: the
 *     TimeoutExpired, with the library's exception as its
 *     {@linkplain Throwable#getCause() cause} (or, when that exception has the
 *     TimeoutExpired among its own causes, {@linkplain Throwable#getSuppressed()
 *     suppressed}); or its {@code onTimeout} value. Prefer it around library calls.</li>
 * <li>try-with-resources: the block's own exception (the SQLException) with the
 *     TimeoutExpired {@linkplain Throwable#getSuppressed() suppressed} in it, as
 *     {@link #close()} throws the TimeoutExpired; if the block returned normally
 *     (a library swallowed the interrupt), the TimeoutExpired itself.</li>
 * </ul>
 * Either way the thread's interrupt status is cleared, so its next call works. A
 * green {@code java.net} socket ({@code Green.patch()}, {@code org.greenhub.green.Socket})
 * behaves as the JDK's: a read or write the timeout ends is a blocking point that
 * throws inside the library, so the socket is closed and the library gets a
 * SocketException whose cause is the TimeoutExpired, which reaches the caller as above.
 *
 * <p>A thread has one exception at a time waiting to be thrown at its next blocking
 * point. A timeout that fires while a kill or another fired timeout is still waiting
 * there is thrown after it, at the blocking point after the one that throws the first
 * (so an outer timeout is never lost to an inner one that fired just before it), unless
 * it is cancelled first.
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
    public void cancel() {
        disarm();
    }

    /**
     * Disarms it; if it fired and its exception was not thrown, withdraws that.
     *
     * @return the withdrawn exception if delivering it had interrupted the owner (whose
     *         interrupt status is cleared when the caller is the owner), else null
     */
    private RuntimeException disarm() {
        RuntimeException t;
        synchronized (this) {
            if (pending) {
                pending = false;
                if (timer != null) {
                    timer.cancel();
                }
                return null;
            }
            t = thrown;
        }
        return t != null && owner.withdrawAndClear(t) == Strand.WITHDRAWN_AFTER_INTERRUPT ? t : null;
    }

    /**
     * Cancels it, as {@link #cancel()}, for try-with-resources; but if it fired while
     * the thread waited in a JDK blocking call, so that it interrupted that call, and its
     * exception was never thrown at a greenhub blocking point (a library caught the
     * interrupt and threw an exception of its own, or returned), this clears the
     * interrupt status of the calling thread and throws the exception. In
     * try-with-resources it then ends the block, or, when the block ended with an
     * exception of its own, is {@linkplain Throwable#addSuppressed(Throwable) suppressed}
     * in that one.
     *
     * @throws TimeoutExpired (or the exception given to {@link #start(Duration, RuntimeException)})
     *         if it interrupted a JDK call and its exception was never thrown
     */
    @Override
    public void close() {
        RuntimeException t = disarm();
        if (t != null) {
            throw t;
        }
    }

    /**
     * What a block that ended with {@code failure} under this timeout throws: if the
     * timeout fired and {@code failure} is not its exception, the timeout's exception,
     * with {@code failure} as its cause when it has none; as suppressed when
     * {@code failure} carries it as a cause already (a drop-in socket's SocketException)
     * or it has a cause; else {@code failure}. Disarms the timeout as {@link #cancel()}
     * does and clears an interrupt status it left.
     */
    Throwable settle(Throwable failure) {
        disarm();
        RuntimeException t;
        synchronized (this) {
            t = thrown;
        }
        if (t == null || t == failure) {
            return failure;
        }
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c == t) {
                t.addSuppressed(failure); // it carries t as a cause: no cycle of causes
                return t;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        if (t.getCause() == null) {
            try {
                t.initCause(failure);
            } catch (IllegalStateException | IllegalArgumentException alreadySet) {
                t.addSuppressed(failure);
            }
        } else {
            t.addSuppressed(failure);
        }
        return t;
    }

    @Override
    public String toString() {
        return "Timeout[" + duration + (isPending() ? ", pending" : "") + "]";
    }
}
