import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.greenhub.Green;
import org.greenhub.StopServe;
import org.greenhub.http.HttpHandler;
import org.greenhub.http.HttpServer;
import org.greenhub.http.WebSocket;
import org.greenhub.net.GreenServerSocket;

/**
 * Eventlet's websocket chat: an HTML page at / with a small JavaScript client, and a
 * WebSocket at /chat that sends each message it receives to every connected client. Each
 * connection is a green thread running plain blocking code: receive, then send to all.
 * Run with a port it serves forever on 127.0.0.1:PORT; with port 0 (or no argument) it
 * serves on a free port, prints the URL, and stops on a request to /stop (for ci/demo).
 */
public class WebSocketChat {
    /** Every connected client. A client leaves when its connection ends, or when a send to it fails. */
    static final Set<WebSocket> participants = ConcurrentHashMap.newKeySet();

    static void chat(WebSocket ws) throws IOException {
        participants.add(ws);
        try {
            ws.send("* welcome: " + participants.size() + " here");
            Object m;
            while ((m = ws.receive()) != null) {
                if (m instanceof String text) {
                    broadcast(text);
                }
            }
        } finally {
            participants.remove(ws);
        }
    }

    static void broadcast(String text) {
        for (WebSocket p : participants) {
            try {
                p.send(text);
            } catch (IOException gone) {
                participants.remove(p); // its own green thread ends when its receive() sees the end
            }
        }
    }

    static final String PAGE = """
            <!doctype html>
            <html>
            <head><meta charset="utf-8"><title>greenhub chat</title>
            <style>body { font-family: sans-serif; max-width: 40em; margin: 2em auto; } #log { min-height: 10em; }</style>
            </head>
            <body data-state="connecting">
            <h1>greenhub chat</h1>
            <ul id="log"></ul>
            <form id="form"><input id="msg" autocomplete="off" placeholder="say something" autofocus> <button id="send">Send</button></form>
            <script>
            const log = document.getElementById('log');
            const show = (text) => {
              const li = document.createElement('li');
              li.textContent = text;
              log.appendChild(li);
            };
            const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat');
            ws.onopen = () => { document.body.dataset.state = 'open'; };
            ws.onclose = () => { document.body.dataset.state = 'closed'; show('* disconnected'); };
            ws.onmessage = (e) => show(e.data);
            document.getElementById('form').onsubmit = (e) => {
              e.preventDefault();
              const msg = document.getElementById('msg');
              if (msg.value && ws.readyState === WebSocket.OPEN) {
                ws.send(msg.value);
                msg.value = '';
              }
            };
            </script>
            </body>
            </html>
            """;

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        HttpHandler chat = WebSocket.handler(WebSocketChat::chat);
        Green.run(() -> {
            GreenServerSocket server = Green.listen(new InetSocketAddress("127.0.0.1", port), 1024);
            System.out.println("serving on http://127.0.0.1:" + server.localAddress().getPort() + "/");
            System.out.flush();
            HttpServer.serve(server, (req, resp) -> {
                switch (req.path()) {
                    case "/chat" -> chat.handle(req, resp);
                    case "/" -> {
                        resp.header("Content-Type", "text/html; charset=utf-8");
                        resp.body().write(PAGE.getBytes(StandardCharsets.UTF_8));
                    }
                    case "/stop" -> {
                        if (port != 0) {
                            resp.status(404);
                            return;
                        }
                        throw new StopServe(); // serve returns once the chat's connections have ended too
                    }
                    default -> resp.status(404);
                }
            }, HttpServer.Options.defaults().accessLog(null));
        });
    }
}
