package org.greenhub;

import org.greenhub.net.GreenSocket;

/** Handles one connection accepted by {@link Green#serve}; the connection is closed when it returns or throws. */
@FunctionalInterface
public interface SocketHandler {
    /**
     * Handles one connection, in its own green thread.
     *
     * @param client the accepted connection; {@code serve} closes it when this method ends
     * @throws Exception any exception: {@link StopServe} ends the serve loop; any other
     *         is logged (System.Logger {@code org.greenhub}, ERROR) and serving goes on
     */
    void handle(GreenSocket client) throws Exception;
}
