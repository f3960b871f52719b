import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;

/**
 * Helidon 4 SE HTTP hello world: GET / answers "Hello, World!" (text/plain,
 * Content-Length, keep-alive). Helidon serves each connection on a JDK virtual
 * thread; their carriers are the JDK's default scheduler
 * (-Djdk.virtualThreadScheduler.parallelism sets how many). No access log (it is a
 * separate module, not on the class path). TCP_NODELAY is on, as in greenhub, Netty and
 * nginx (Helidon's default is off: then the second of two responses written separately,
 * as to pipelined requests, waits for the client's delayed ACK, about 40 ms).
 * Usage: HelidonHttp PORT (listens on 127.0.0.1).
 */
public final class HelidonHttp {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        byte[] body = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .routing(routing -> routing.get("/", (req, res) -> {
                    res.header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN);
                    res.send(body);
                }))
                .build()
                .start();
    }
}
