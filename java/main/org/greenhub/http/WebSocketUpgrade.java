package org.greenhub.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.greenhub.GreenThreadExit;
import org.greenhub.StopServe;

/** The RFC 6455 opening handshake (section 4.2): validates the request, then hands the connection to a WebSocket. */
final class WebSocketUpgrade {
    private static final System.Logger LOG = System.getLogger("org.greenhub.http");
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketUpgrade() {
    }

    static void serve(HttpRequest req, HttpResponse resp, WebSocketHandler h) throws Exception {
        if (!(req instanceof HttpConnection.Request request)) {
            throw new IllegalArgumentException("WebSocket upgrade needs the request object the HttpServer passed to the handler");
        }
        String problem = problem(req);
        if (problem != null) {
            refuse(resp, 400, problem);
            return;
        }
        if (!"13".equals(req.header("Sec-WebSocket-Version"))) {
            resp.header("Sec-WebSocket-Version", "13");
            refuse(resp, 426, "this server speaks WebSocket version 13");
            return;
        }
        PerMessageDeflate.Agreement deflate = PerMessageDeflate.negotiate(req.headers().get("sec-websocket-extensions"));
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
                .append(accept(req.header("Sec-WebSocket-Key")))
                .append("\r\n");
        if (deflate != null) {
            head.append("Sec-WebSocket-Extensions: ").append(deflate.response()).append("\r\n");
        }
        head.append("\r\n");
        WebSocketConnection ws = request.upgrade(head.toString().getBytes(StandardCharsets.US_ASCII),
                u -> new WebSocketConnection(u, deflate));
        run(ws, h);
    }

    /** Runs the handler, then ends the connection: 1000 when it returned, 1011 when it failed, 1001 on StopServe. */
    private static void run(WebSocketConnection ws, WebSocketHandler h) {
        try {
            h.handle(ws);
            ws.closeQuietly(1000, "");
        } catch (StopServe stop) {
            ws.closeQuietly(1001, "server stopping");
            throw stop;
        } catch (GreenThreadExit exit) {
            ws.abort(1001, "going away"); // killed: no waiting for the peer's close
            throw exit;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "WebSocket handler failed", t);
            ws.closeQuietly(1011, "internal error");
        } finally {
            ws.release();
        }
    }

    /** Why the request is not a valid upgrade (the version aside), or null. */
    private static String problem(HttpRequest req) {
        if (!req.method().equals("GET")) {
            return "a WebSocket upgrade must be a GET";
        }
        if (!req.version().equals("HTTP/1.1")) {
            return "a WebSocket upgrade needs HTTP/1.1";
        }
        if (!hasToken(req.headers().get("upgrade"), "websocket")) {
            return "Upgrade: websocket is missing";
        }
        if (!hasToken(req.headers().get("connection"), "upgrade")) {
            return "Connection: upgrade is missing";
        }
        if (req.header("Content-Length") != null && !req.header("Content-Length").equals("0")
                || req.header("Transfer-Encoding") != null) {
            return "a WebSocket upgrade has no body";
        }
        List<String> keys = req.headers().get("sec-websocket-key");
        if (keys == null || keys.size() != 1 || !isKey(keys.get(0))) {
            return "Sec-WebSocket-Key must be 16 bytes in base64, sent once";
        }
        return null;
    }

    private static boolean isKey(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a comma-separated header (all its lines) lists {@code token}, case-insensitively. */
    static boolean hasToken(List<String> values, String token) {
        if (values != null) {
            for (String v : values) {
                for (String t : v.split(",")) {
                    if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static void refuse(HttpResponse resp, int status, String why) throws IOException {
        resp.status(status);
        resp.header("Content-Type", "text/plain; charset=utf-8");
        resp.body().write((why + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
