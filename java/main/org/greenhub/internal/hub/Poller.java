package org.greenhub.internal.hub;

import java.io.IOException;
import org.greenhub.internal.nativeio.Readiness;

/**
 * What a hub waits on: readiness of channels, a timeout, and wake-ups from other
 * threads. One implementation per OS facility (epoll, kqueue, java.nio Selector).
 *
 * <p>Only the hub's own thread calls {@link #arm}, {@link #cancel}, {@link #release},
 * {@link #forEachArmed}, {@link #poll} and {@link #close}; {@link #wakeup} may be called from any thread.
 */
public interface Poller {
    /** Readiness bits handed to a {@link ReadySink}: the C pollers' own. */
    int READ = Readiness.READ, WRITE = Readiness.WRITE, ERROR = Readiness.ERROR;

    /** "epoll", "kqueue" or "nio". */
    String name();

    /**
     * Makes later polls report {@code s} when it becomes ready for any of the
     * {@code interest} bits (READ, WRITE). Edge-triggered pollers register the
     * descriptor once, for both directions, and ignore later calls. A channel that is no
     * longer open is not registered but reported ready with ERROR, on every poller, so
     * that its waiter wakes and its next call reports the error; other failures throw.
     */
    void arm(PollState s, int interest) throws IOException;

    /** Forgets {@code s}; called before its descriptor or channel is closed. */
    void cancel(PollState s);

    /** Calls {@code action} with every state armed here now. */
    void forEachArmed(java.util.function.Consumer<PollState> action);

    /**
     * Forgets {@code s}, which stays open, so that another hub's poller may watch it:
     * after this, this poller never reports it again. False when the kernel refused to
     * let it go; it then stays watched here.
     */
    default boolean release(PollState s) {
        cancel(s); // a java.nio key cancelled leaves the channel free for another selector
        return true;
    }

    /**
     * Waits at most {@code timeoutNanos} (negative: no limit, 0: do not block) for
     * readiness or a {@link #wakeup}, handing each ready state to {@code sink}.
     * A wake-up is consumed silently. Returns how many states were reported.
     */
    int poll(long timeoutNanos, ReadySink sink) throws IOException;

    /** Makes a concurrent or the next {@link #poll} return at once. Any thread. */
    void wakeup();

    /** Releases the poller's descriptors. */
    void close();

    /** Receives readiness from {@link #poll}. */
    interface ReadySink {
        void ready(PollState s, int readyBits);
    }
}
