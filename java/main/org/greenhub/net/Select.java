package org.greenhub.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.greenhub.internal.hub.ChannelStates;
import org.greenhub.internal.hub.ReadinessWait;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.PollState;

/**
 * eventlet.green.select: waits until some of several green channels are ready.
 * A green thread parks on its hub meanwhile; a plain thread blocks only itself.
 *
 * <p>"Ready" means the hub reported readiness that no read or write has consumed
 * since, or the channel is closed (its next call throws). As with select(2), a
 * ready channel is a hint: another reader may have taken the data first. Native
 * sockets (epoll, kqueue hubs) are also asked for their current state on entry; on
 * the nio hub a zero timeout sees only readiness the hub has reported already.
 */
public final class Select {
    private Select() {
    }

    /**
     * The ready subsets of {@link #select}'s arguments, in their order.
     *
     * @param readers the channels ready for reading (or closed)
     * @param writers the channels ready for writing (or closed)
     */
    public record Ready(Set<GreenChannel> readers, Set<GreenChannel> writers) {
        /**
         * Creates a result holding unmodifiable copies of the sets, keeping their order.
         *
         * @param readers the channels ready for reading
         * @param writers the channels ready for writing
         * @throws NullPointerException if either set is null
         */
        public Ready {
            readers = Collections.unmodifiableSet(new LinkedHashSet<>(readers));
            writers = Collections.unmodifiableSet(new LinkedHashSet<>(writers));
        }
    }

    /**
     * Returns at once with the channels already ready; otherwise waits until at
     * least one is, or until {@code timeout} has passed, which yields two empty sets
     * (never an exception). A closed channel counts as ready. With both collections
     * empty it just waits for the timeout. Works across hubs and from plain threads.
     *
     * @param readers the channels to wait on for reading
     * @param writers the channels to wait on for writing
     * @param timeout null, or 2^62 ns (about 146 years) or more: no limit; zero or
     *                negative: no waiting, only what is ready now
     * @return the ready channels
     * @throws NullPointerException if a collection or one of its elements is null
     * @throws IllegalStateException if nothing is ready at once and another thread is
     *         already waiting on one of the channels in the same direction ("second
     *         simultaneous read")
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public static Ready select(Collection<? extends GreenChannel> readers,
                               Collection<? extends GreenChannel> writers, Duration timeout) {
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(writers, "writers");
        long deadline = Parking.deadline(timeout);
        try {
            ReadinessWait.select(states(readers), states(writers), deadline);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the poller could not watch a channel
        }
        Set<GreenChannel> r = new LinkedHashSet<>();
        for (GreenChannel c : readers) {
            if (!c.isOpen() || ReadinessWait.readable(ChannelStates.of(c))) {
                r.add(c);
            }
        }
        Set<GreenChannel> w = new LinkedHashSet<>();
        for (GreenChannel c : writers) {
            if (!c.isOpen() || ReadinessWait.writable(ChannelStates.of(c))) {
                w.add(c);
            }
        }
        return new Ready(r, w);
    }

    private static PollState[] states(Collection<? extends GreenChannel> channels) {
        PollState[] states = new PollState[channels.size()];
        int i = 0;
        for (GreenChannel c : channels) {
            states[i++] = ChannelStates.of(Objects.requireNonNull(c, "channel"));
        }
        return states;
    }
}
