import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.green.Urls;

/**
 * The crawler: fetch many URLs at once with a pool of green threads, plain blocking
 * code. Given URLs as arguments it fetches those; the demo (no arguments) starts a
 * local HTTP server on 127.0.0.1 whose pages each take 100 ms, and fetches 500 of
 * them 100 at a time: about 0.5 s instead of the 50 s one after another would take.
 */
public class Crawler {
    public static void main(String[] args) throws Exception {
        HttpServer server = null;
        List<URI> urls = new ArrayList<>();
        if (args.length > 0) {
            for (String a : args) {
                urls.add(URI.create(a));
            }
        } else {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                try {
                    Thread.sleep(100); // a slow page
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = ("page " + exchange.getRequestURI().getPath() + "\n").getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            for (int i = 0; i < 500; i++) {
                urls.add(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/page/" + i));
            }
        }
        try {
            Green.run(() -> {
                long t0 = System.nanoTime();
                GreenPool pool = new GreenPool(100);
                long bytes = 0;
                int pages = 0;
                for (Iterator<byte[]> it = pool.imap(url -> Urls.read(url), urls); it.hasNext(); ) {
                    bytes += it.next().length;
                    pages++;
                }
                System.out.printf("crawler: fetched %d pages (%d bytes) in %.2f s with GreenPool(100) on the %s hub%n",
                        pages, bytes, (System.nanoTime() - t0) / 1e9, Green.hub().name());
            });
        } finally {
            Urls.closeIdleConnections();
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
