import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * Helidon 4 SE WebSocket echo (helidon-webserver-websocket): the endpoint "/" sends
 * every text message back as it came. Helidon serves each connection on a JDK virtual
 * thread, which reads the frames and calls the listener; their carriers are the JDK's
 * default scheduler (-Djdk.virtualThreadScheduler.parallelism sets how many).
 * TCP_NODELAY is on, as in HelidonHttp. Usage: HelidonWebSocket PORT (listens on 127.0.0.1).
 */
public final class HelidonWebSocket {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        WsListener echo = new WsListener() {
            @Override
            public void onMessage(WsSession session, String text, boolean last) {
                session.send(text, last);
            }
        };
        WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .addRouting(WsRouting.builder().endpoint("/", echo))
                .build()
                .start();
    }
}
