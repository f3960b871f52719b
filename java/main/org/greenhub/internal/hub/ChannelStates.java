package org.greenhub.internal.hub;

import java.util.function.Function;

/**
 * How the layers above find the readiness state of a green channel without that
 * state showing in the channels' public API. The socket layer installs the accessor
 * when its base class is initialized, which happens before any channel exists, so
 * every channel handed to {@link #of} finds it installed.
 */
public final class ChannelStates {
    private static volatile Function<Object, PollState> accessor;

    private ChannelStates() {
    }

    /** Installs the accessor (the socket layer, once). */
    public static void install(Function<Object, PollState> a) {
        accessor = a;
    }

    /** The readiness state of {@code channel}. */
    public static PollState of(Object channel) {
        return accessor.apply(channel);
    }
}
