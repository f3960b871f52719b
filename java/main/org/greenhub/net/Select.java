package org.greenhub.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.greenhub.internal.hub.ChannelStates;
import org.greenhub.internal.hub.MultiWait;
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

    /** The ready subsets of {@link #select}'s arguments, in their order. */
    public record Ready(Set<GreenChannel> readers, Set<GreenChannel> writers) {
        public Ready {
            readers = Collections.unmodifiableSet(new LinkedHashSet<>(readers));
            writers = Collections.unmodifiableSet(new LinkedHashSet<>(writers));
        }
    }

    /**
     * Returns at once with the channels already ready; otherwise waits until at
     * least one is, or until {@code timeout} (null: no limit) has passed, which
     * yields two empty sets. A channel that another thread is already waiting on
     * in the same direction throws IllegalStateException ("second simultaneous read").
     */
    public static Ready select(Collection<? extends GreenChannel> readers,
                               Collection<? extends GreenChannel> writers, Duration timeout) {
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(writers, "writers");
        long deadline = Parking.deadline(timeout);
        MultiWait.await(states(readers), states(writers), deadline);
        Set<GreenChannel> r = new LinkedHashSet<>();
        for (GreenChannel c : readers) {
            if (!c.isOpen() || MultiWait.readable(ChannelStates.of(c))) {
                r.add(c);
            }
        }
        Set<GreenChannel> w = new LinkedHashSet<>();
        for (GreenChannel c : writers) {
            if (!c.isOpen() || MultiWait.writable(ChannelStates.of(c))) {
                w.add(c);
            }
        }
        return new Ready(r, w);
    }

    private static List<PollState> states(Collection<? extends GreenChannel> channels) {
        List<PollState> states = new ArrayList<>(channels.size());
        for (GreenChannel c : channels) {
            states.add(ChannelStates.of(Objects.requireNonNull(c, "channel")));
        }
        return states;
    }
}
