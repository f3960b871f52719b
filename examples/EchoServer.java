import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.hub.HubGroup;
import org.greenhub.hub.Hubs;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;

/**
 * The echo server: one green thread per connection, plain blocking code.
 * Run alone ({@code PORT [--hubs N]}) it serves forever on the given port, on N hubs
 * (one per core: {@code --hubs} with the number of cores); the demo (no arguments) serves
 * on a free port of 127.0.0.1, sends it 1,000 concurrent clients, checks every
 * echoed byte and stops.
 */
public class EchoServer {
    static void handle(GreenSocket client) throws Exception {
        byte[] buf = new byte[4096];
        for (int n; (n = client.recv(buf, 0, buf.length)) > 0; ) {
            client.sendAll(Arrays.copyOf(buf, n));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            int port = Integer.parseInt(args[0]);
            int hubs = args.length >= 3 && args[1].equals("--hubs") ? Integer.parseInt(args[2]) : 1;
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
            System.out.println("echo server on " + addr + " (" + hubs + " " + Green.hub().name() + " hub" + (hubs > 1 ? "s" : "") + ")");
            if (hubs == 1) {
                Green.run(() -> Green.serve(Green.listen(addr), EchoServer::handle, 10000));
            } else {
                // One accept loop per hub, each on its own SO_REUSEPORT listener.
                try (HubGroup group = Hubs.group(hubs)) {
                    group.each(() -> Green.serve(Green.listen(addr, 1024, true), EchoServer::handle, 10000));
                }
            }
            return;
        }
        Green.run(() -> {
            GreenServerSocket server = Green.listen(new InetSocketAddress("127.0.0.1", 0), 1024);
            InetSocketAddress at = server.localAddress();
            Green.spawn(() -> Green.serve(server, EchoServer::handle, 10000));
            int clients = 1000, messages = 20;
            AtomicLong echoed = new AtomicLong();
            long t0 = System.nanoTime();
            GreenPool pool = new GreenPool(clients);
            for (int c = 0; c < clients; c++) {
                int id = c;
                pool.spawnN(() -> {
                    try (GreenSocket s = Green.connect(at)) {
                        for (int m = 0; m < messages; m++) {
                            byte[] msg = ("client " + id + " message " + m).getBytes(StandardCharsets.UTF_8);
                            s.sendAll(msg);
                            byte[] back = new byte[msg.length];
                            for (int got = 0; got < msg.length; ) {
                                int n = s.recv(back, got, msg.length - got);
                                if (n < 0) {
                                    throw new IllegalStateException("server closed early");
                                }
                                got += n;
                            }
                            if (!Arrays.equals(msg, back)) {
                                throw new IllegalStateException("echo mismatch for client " + id);
                            }
                            echoed.incrementAndGet();
                        }
                    }
                });
            }
            pool.waitAll();
            double secs = (System.nanoTime() - t0) / 1e9;
            server.close();
            System.out.printf("echo: %d concurrent clients x %d messages = %d round trips verified in %.2f s on the %s hub%n",
                    clients, messages, echoed.get(), secs, Green.hub().name());
            if (echoed.get() != (long) clients * messages) {
                throw new IllegalStateException("lost round trips: " + echoed.get());
            }
        });
    }
}
