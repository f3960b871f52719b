package org.greenhub.net;

import java.io.Closeable;
import org.greenhub.hub.PollState;

/** What every green socket is: a channel a hub can wait on ({@code Hub.trampoline}, {@code Select}). */
public interface GreenChannel extends Closeable {
    /** Whether the channel is still open. */
    boolean isOpen();

    /** Internal: the readiness state the hubs wait on. */
    PollState pollState();
}
