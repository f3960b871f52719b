package org.greenhub.http;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** An HTTP/1.1 or 1.0 request as the server parsed it (RFC 9112, strictly). */
public interface HttpRequest {
    /**
     * The method, as sent (case-sensitive), e.g. {@code GET}.
     *
     * @return the method
     */
    String method();

    /**
     * The request target as sent: usually a path with its query, e.g. {@code /a?b=c}.
     *
     * @return the target
     */
    String path();

    /**
     * {@code HTTP/1.1} or {@code HTTP/1.0}.
     *
     * @return the protocol version
     */
    String version();

    /**
     * The value of a header, by name (case-insensitive), trimmed; the first when it
     * was sent more than once.
     *
     * @param name the header name
     * @return its value, or null when the request has none
     */
    String header(String name);

    /**
     * Every header: names in lower case, values trimmed, in the order they came.
     * Made on first call.
     *
     * @return an unmodifiable map
     */
    Map<String, List<String>> headers();

    /**
     * The body, decoded from Content-Length or chunked framing; empty when the request
     * has neither. Reading it blocks (green). For a request with
     * {@code Expect: 100-continue}, the first read sends {@code 100 Continue}.
     * A body longer than the server's {@code maxBody} ends with an IOException (the
     * client gets 413 when no response was sent yet).
     *
     * @return the body stream, the same on every call
     */
    InputStream body();
}
