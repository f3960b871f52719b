package org.greenhub.http;

/**
 * Handles one HTTP request (the WSGI application of eventlet.wsgi). It runs on the
 * connection's green thread, so it may block (read the body, call other services):
 * other connections go on meanwhile.
 */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Handles {@code req} by filling in {@code resp}. Returning ends the response: what
     * was written is sent (with a Content-Length when it was small enough to hold, else
     * as the end of a chunked body). Throwing {@link org.greenhub.StopServe} answers the
     * request, then ends the server's accept loop.
     *
     * @param req the request
     * @param resp the response to fill in
     * @throws Exception anything: before the response head went out the client gets 500
     *         with {@code Connection: close}; after it, the connection is closed at once
     */
    void handle(HttpRequest req, HttpResponse resp) throws Exception;
}
