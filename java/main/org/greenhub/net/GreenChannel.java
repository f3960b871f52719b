package org.greenhub.net;

import java.io.Closeable;

/**
 * What every green socket is: a channel a hub can wait on ({@code Hub.trampoline},
 * {@link Select}). Implemented only by greenhub's sockets.
 */
public sealed interface GreenChannel extends Closeable permits SocketBase {
    /**
     * Whether the channel is still open.
     *
     * @return false once {@code close()} has been called
     */
    boolean isOpen();
}
