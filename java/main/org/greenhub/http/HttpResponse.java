package org.greenhub.http;

import java.io.OutputStream;

/**
 * The response to one request. Status 200 and no headers until set. The head is
 * committed (sent, or queued with the body) by the first flush of {@link #body()},
 * by a write that does not fit the connection's buffer, or when the handler returns;
 * after that, status and headers can no longer change.
 */
public interface HttpResponse {
    /**
     * Sets the status code.
     *
     * @param code 200 to 999 (informational 1xx responses are the server's: it sends
     *        {@code 100 Continue} itself, and upgrades go through their own handlers)
     * @throws IllegalArgumentException for a code out of range
     * @throws IllegalStateException once the head is committed
     */
    void status(int code);

    /**
     * Adds a header. A {@code Content-Length} frames the body (the handler must then
     * write exactly that many bytes); without one, an HTTP/1.1 body that does not fit
     * the buffer is sent chunked, and an HTTP/1.0 one until the connection closes.
     * {@code Connection: close} closes the connection after this response.
     *
     * @param name a header name (a token: no spaces, no colon)
     * @param value its value (no CR, LF or other control characters)
     * @throws IllegalArgumentException for a bad name or value
     * @throws IllegalStateException once the head is committed
     */
    void header(String name, String value);

    /**
     * The body. Writes are buffered; the first flush, or a write that does not fit the
     * buffer, commits the head. For HEAD and for 1xx, 204 and 304 responses, nothing
     * written is sent. Closing it does nothing: the body ends when the handler returns.
     *
     * @return the body stream, the same on every call
     */
    OutputStream body();
}
