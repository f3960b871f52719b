import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.greenhub.Green;
import org.greenhub.http.HttpServer;
import org.greenhub.net.GreenServerSocket;

/**
 * Hello world over HTTP (eventlet.wsgi's first example): one green thread per connection,
 * keep-alive and pipelining for free. Run alone with a port it serves forever on
 * 127.0.0.1:PORT; the demo (no arguments) serves on a free port and prints the URL,
 * then stops after ci/demo's curl has fetched it (a request to /stop).
 */
public class HttpHello {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Green.run(() -> {
            GreenServerSocket server = Green.listen(new InetSocketAddress("127.0.0.1", port), 1024);
            System.out.println("serving on " + URI.create("http://127.0.0.1:" + server.localAddress().getPort() + "/"));
            HttpServer.serve(server, (req, resp) -> {
                if (req.path().equals("/stop") && port == 0) {
                    throw new org.greenhub.StopServe();
                }
                resp.header("Content-Type", "text/plain");
                resp.body().write("Hello, World!\n".getBytes(StandardCharsets.UTF_8));
            });
        });
    }
}
