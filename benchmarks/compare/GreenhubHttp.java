import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.greenhub.Green;
import org.greenhub.http.HttpServer;

/**
 * greenhub HTTP hello world: org.greenhub.http.HttpServer on one hub (chosen with
 * -Dgreenhub.hub=epoll|nio), one green thread per connection, access log off. GET /
 * answers "Hello, World!" (text/plain; the server adds Content-Length and keeps the
 * connection alive). Usage: GreenhubHttp PORT (listens on 127.0.0.1).
 */
public final class GreenhubHttp {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        byte[] body = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        HttpServer.Options options = HttpServer.Options.defaults().accessLog(null);
        Green.run(() -> HttpServer.serve(Green.listen(new InetSocketAddress("127.0.0.1", port), 1024), (req, resp) -> {
            resp.header("Content-Type", "text/plain");
            resp.body().write(body);
        }, options));
    }
}
