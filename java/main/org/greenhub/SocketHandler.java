package org.greenhub;

import org.greenhub.net.GreenSocket;

/** Handles one connection accepted by {@link Green#serve}; the connection is closed when it returns or throws. */
@FunctionalInterface
public interface SocketHandler {
    void handle(GreenSocket client) throws Exception;
}
