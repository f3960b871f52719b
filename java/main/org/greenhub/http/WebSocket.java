package org.greenhub.http;

import java.io.IOException;
import java.util.Objects;

/**
 * A server-side WebSocket connection (RFC 6455), the eventlet.websocket analog.
 *
 * <p>Made by the handler that {@link #handler(WebSocketHandler)} returns. Messages are
 * text ({@link String}) or binary ({@code byte[]}); fragments are reassembled, pings are
 * answered by {@link #receive()} as they arrive, and permessage-deflate (RFC 7692) is
 * used when the client offers it. One green thread may be in {@link #receive()} while
 * others send: each send is one frame, written whole before the next begins.
 *
 * <p>A client that breaks the protocol gets a close frame with the reason (1002 protocol
 * error, 1007 invalid UTF-8, 1009 a message over 16 MiB, after decompression) and the
 * connection is closed; {@link #receive()} then returns null. Sends that make no progress
 * for the server's {@link HttpServer.Options#idleTimeout(java.time.Duration) idle timeout}
 * fail with {@link java.net.SocketTimeoutException}; {@link #receive()} waits for as long as
 * it takes (bound it with {@link org.greenhub.Timeout}). A {@link org.greenhub.Timeout} or kill that
 * interrupts a send or a receive in the middle of a frame closes the connection, since
 * the rest of that frame cannot be recovered.
 */
public sealed interface WebSocket permits WebSocketConnection {
    /** The largest message, in bytes after decompression: 16 MiB. */
    int MAX_MESSAGE = 16 << 20;

    /**
     * An HttpHandler that upgrades a request to a WebSocket and runs {@code h} on it. A
     * request that is not a valid upgrade (GET, HTTP/1.1, {@code Upgrade: websocket},
     * {@code Connection: upgrade}, a {@code Sec-WebSocket-Key} of 16 bytes in base64,
     * no body) is answered 400; one whose {@code Sec-WebSocket-Version} is not 13 is
     * answered 426 with {@code Sec-WebSocket-Version: 13}. Route by delegating from your
     * own handler, passing it the request and response objects the server gave you.
     *
     * @param h runs once per connection, on the connection's green thread
     * @return the upgrading handler
     * @throws NullPointerException if {@code h} is null
     */
    static HttpHandler handler(WebSocketHandler h) {
        Objects.requireNonNull(h, "h");
        return (req, resp) -> WebSocketUpgrade.serve(req, resp, h);
    }

    /**
     * Sends a text message.
     *
     * @param text the message
     * @throws IOException if the connection is closed or broke
     * @throws NullPointerException if {@code text} is null
     */
    void send(String text) throws IOException;

    /**
     * Sends a binary message.
     *
     * @param data the message
     * @throws IOException if the connection is closed or broke
     * @throws NullPointerException if {@code data} is null
     */
    void send(byte[] data) throws IOException;

    /**
     * Waits for the next message, answering pings and skipping pongs on the way.
     *
     * @return a {@link String} (text) or a {@code byte[]} (binary) message; null once the
     *         peer closed, the connection failed, this side closed it, or an earlier
     *         receive was interrupted in the middle of a frame (which closes it)
     * @throws IOException if reading fails otherwise than by the connection ending (an
     *         end of stream or a reset is null)
     */
    Object receive() throws IOException;

    /**
     * Closes with 1000 (normal closure); as {@link #close(int, String)}.
     *
     * @throws IOException never for a connection that is already closed
     */
    void close() throws IOException;

    /**
     * Sends a close frame, waits (at most 5 s, reading and dropping messages) for the
     * peer's, then closes the connection. Does nothing when it was closed already.
     *
     * @param code 1000-1003, 1007-1014 or 3000-4999
     * @param reason at most 123 bytes in UTF-8 (may be empty)
     * @throws IllegalArgumentException for a code an endpoint may not send or a longer reason
     * @throws IOException never for a connection that is already closed
     */
    void close(int code, String reason) throws IOException;

    /**
     * Sends a ping; the pong that answers it is skipped by {@link #receive()}.
     *
     * @param payload at most 125 bytes
     * @throws IllegalArgumentException if {@code payload} is longer
     * @throws IOException if the connection is closed or broke
     */
    void ping(byte[] payload) throws IOException;
}
