package org.greenhub.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import org.greenhub.internal.hub.ChannelStates;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Poller;
import org.greenhub.net.GreenChannel;

/**
 * A hub (eventlet.hubs): one carrier thread that runs its green threads one at a
 * time, fires its timers and waits on its poller (epoll, kqueue or a java.nio
 * Selector). A green thread runs until it blocks, so data shared by the green threads
 * of one hub needs no locks. {@code Green.hub()} returns the current one.
 */
public final class Hub {
    private final HubLoop loop;

    private Hub(HubLoop loop) {
        this.loop = loop;
    }

    /**
     * The hub of the running thread (eventlet.hubs.get_hub): a green thread's hub, the
     * hub whose loop runs on this thread, else the default hub (one shared hub thread,
     * started on first use).
     */
    public static Hub current() {
        return of(HubLoop.current());
    }

    static Hub of(HubLoop loop) {
        return loop.view(Hub::new);
    }

    /** "epoll", "kqueue" or "nio". */
    public String name() {
        return loop.name();
    }

    /**
     * Runs {@code r} on this hub's thread after {@code delay} (zero or negative: at its
     * next pass). May be called from any thread. An exception thrown by {@code r} is
     * logged (System.Logger {@code org.greenhub.hub}, ERROR) and the hub goes on.
     *
     * @throws NullPointerException when {@code delay} or {@code r} is null
     */
    public Timer schedule(Duration delay, Runnable r) {
        return new Timer(loop.schedule(Objects.requireNonNull(delay, "delay"), Objects.requireNonNull(r, "r")));
    }

    /**
     * Waits until {@code c} is ready for {@code interest} (eventlet's trampoline): a green
     * thread parks and its hub runs the others, a plain thread blocks. Readiness is as the
     * poller last reported it, so a caller retries its non-blocking call and waits again
     * when that call would still block.
     *
     * @param timeout how long to wait; null: no limit; zero or negative: only what is ready now
     * @throws UncheckedIOException wrapping a SocketTimeoutException when the timeout passes
     *         first, or a ClosedChannelException when {@code c} is or gets closed
     * @throws IllegalStateException when another thread already waits on {@code c} in that direction.
     *         A kill or a Timeout of the waiting green thread is thrown from here too.
     */
    public void trampoline(GreenChannel c, Interest interest, Duration timeout) {
        Objects.requireNonNull(interest, "interest");
        Objects.requireNonNull(c, "c");
        try {
            int bit = interest == Interest.READ ? Poller.READ : Poller.WRITE;
            if (!HubLoop.awaitReady(ChannelStates.of(c), bit, Parking.deadline(timeout))) {
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
