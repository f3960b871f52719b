package org.greenhub.http;

/**
 * The server side of one WebSocket connection, run by {@link WebSocket#handler} on the
 * connection's green thread once the upgrade is complete.
 */
@FunctionalInterface
public interface WebSocketHandler {
    /**
     * Talks to the client over {@code ws}. Returning closes the WebSocket with 1000
     * (normal closure) unless it was closed already; throwing closes it with 1011
     * (internal error) and logs the exception, except {@link org.greenhub.StopServe},
     * which closes it with 1001 (going away) and stops the server as an HTTP handler's
     * would.
     *
     * @param ws the connection
     * @throws Exception anything; see above
     */
    void handle(WebSocket ws) throws Exception;
}
