import java.net.InetSocketAddress;

import org.greenhub.Green;
import org.greenhub.http.HttpServer;
import org.greenhub.http.WebSocket;

/**
 * greenhub WebSocket echo: org.greenhub.http.HttpServer on one hub (chosen with
 * -Dgreenhub.hub=epoll|nio), access log off, every request upgraded by
 * WebSocket.handler; each connection's green thread sends every message back as it
 * came. Usage: GreenhubWebSocket PORT (listens on 127.0.0.1).
 */
public final class GreenhubWebSocket {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        HttpServer.Options options = HttpServer.Options.defaults().accessLog(null);
        Green.run(() -> HttpServer.serve(Green.listen(new InetSocketAddress("127.0.0.1", port), 1024),
                WebSocket.handler(ws -> {
                    for (Object m; (m = ws.receive()) != null; ) {
                        if (m instanceof String text) {
                            ws.send(text);
                        } else {
                            ws.send((byte[]) m);
                        }
                    }
                }), options));
    }
}
