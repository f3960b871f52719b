package org.greenhub.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import org.greenhub.internal.hub.ChannelStates;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.ReadinessWait;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Poller;
import org.greenhub.net.GreenChannel;

/**
 * A hub (eventlet.hubs): one carrier thread that runs its green threads one at a
 * time, fires its timers and waits on its poller (epoll, kqueue or a java.nio
 * Selector). A green thread runs until it blocks, so data shared by the green threads
 * of one hub needs no locks. {@code Green.hub()} returns the current one. A callback
 * or timer that throws is logged through System.Logger {@code org.greenhub.hub}, and
 * the hub goes on.
 */
public final class Hub {
    private final HubLoop loop;

    private Hub(HubLoop loop) {
        this.loop = loop;
    }

    /**
     * The hub of the running thread (eventlet.hubs.get_hub): a green thread's hub, the
     * hub whose loop runs on this thread, else the default hub (one shared daemon hub
     * thread, started on first use).
     *
     * @return the hub; the same object for the same hub every time
     * @throws IllegalStateException if the default hub has to be started and the hub
     *         selected by {@code greenhub.hub} / {@code GREENHUB_HUB} cannot run here
     * @throws UncheckedIOException if the default hub has to be started and cannot be opened
     */
    public static Hub current() {
        return of(HubLoop.current());
    }

    static Hub of(HubLoop loop) {
        return loop.view(Hub::new);
    }

    /**
     * The kind of this hub.
     *
     * @return "epoll", "kqueue" or "nio"
     */
    public String name() {
        return loop.name();
    }

    /**
     * Runs {@code r} on this hub's thread after {@code delay} (zero or negative: at its
     * next pass). May be called from any thread; never blocks. Timers fire in deadline
     * order, ties in the order they were scheduled. An exception thrown by {@code r} is
     * logged (System.Logger {@code org.greenhub.hub}, ERROR) and the hub goes on.
     *
     * @param delay how long from now; zero or negative: at the hub's next pass;
     *              2^62 ns (about 146 years) or more: never
     * @param r the callback; it runs on the hub's thread and must not block
     * @return the timer, to cancel it
     * @throws NullPointerException when {@code delay} or {@code r} is null
     */
    public Timer schedule(Duration delay, Runnable r) {
        return new Timer(loop.schedule(Objects.requireNonNull(delay, "delay"), Objects.requireNonNull(r, "r")));
    }

    /**
     * Waits until {@code c} is ready for {@code interest} (eventlet's trampoline): a green
     * thread parks and its hub runs the others, a plain thread blocks. Readiness is as the
     * poller last reported it, so a caller retries its non-blocking call and waits again
     * when that call would still block. Returning consumes the readiness. Works
     * across hubs: the channel is watched by the hub of the first thread that waits
     * on it (a plain thread: the default hub).
     *
     * @param c the channel
     * @param interest the direction to wait for
     * @param timeout how long to wait; null, or 2^62 ns (about 146 years) or more: no
     *                limit; zero or negative: only readiness already reported
     * @throws NullPointerException if {@code c} or {@code interest} is null
     * @throws UncheckedIOException wrapping a SocketTimeoutException when the timeout passes
     *         first, or a ClosedChannelException when {@code c} is closed before it is ready
     * @throws IllegalStateException when another thread already waits on {@code c} in that direction
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public void trampoline(GreenChannel c, Interest interest, Duration timeout) {
        Objects.requireNonNull(interest, "interest");
        Objects.requireNonNull(c, "c");
        try {
            int bit = interest == Interest.READ ? Poller.READ : Poller.WRITE;
            if (!ReadinessWait.awaitReady(ChannelStates.of(c), bit, Parking.deadline(timeout))) {
                throw new SocketTimeoutException("timed out waiting for " + interest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "Hub[" + loop + "]";
    }
}
