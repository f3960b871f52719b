import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.greenhub.Green;
import org.greenhub.SocketHandler;
import org.greenhub.hub.HubGroup;
import org.greenhub.hub.Hubs;

/**
 * greenhub TCP echo server: one green thread per connection on one hub (chosen with
 * -Dgreenhub.hub=epoll|nio), or on a hub group. Usage:
 * {@code GreenhubEcho PORT [direct|bytes] [--hubs N] [--work ROUNDS]} (listens on 127.0.0.1).
 * {@code direct} (the default) echoes through one direct ByteBuffer per connection;
 * {@code bytes} is the README's handler, as users write it: a byte[] buffer and a copy
 * of what was read for each sendAll. {@code --hubs N} runs N hubs, each with its own
 * accept loop on an SO_REUSEPORT listener of the port. {@code --work ROUNDS} (the
 * cpu-echo workload) reads whole 64-byte requests and runs {@link Work} on each before
 * echoing it.
 */
public final class GreenhubEcho {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String handler = "direct";
        int hubs = 1, rounds = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--hubs" -> hubs = Integer.parseInt(args[++i]);
                case "--work" -> rounds = Integer.parseInt(args[++i]);
                default -> handler = args[i];
            }
        }
        int work = rounds;
        if (work > 0 && !handler.equals("direct")) {
            throw new IllegalArgumentException("--work goes with the direct handler");
        }
        SocketHandler echo = switch (handler) {
            case "direct" -> work > 0 ? client -> {
                ByteBuffer msg = ByteBuffer.allocateDirect(Work.MESSAGE);
                Work w = new Work(work);
                while (true) {
                    msg.clear();
                    while (msg.hasRemaining()) {
                        if (client.recv(msg) < 0) {
                            return;
                        }
                    }
                    msg.flip();
                    w.run(msg);
                    client.sendAll(msg);
                }
            } : client -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(4096);
                while (true) {
                    buf.clear();
                    if (client.recv(buf) < 0) {
                        return;
                    }
                    buf.flip();
                    client.sendAll(buf);
                }
            };
            case "bytes" -> client -> {
                byte[] buf = new byte[4096];
                for (int n; (n = client.recv(buf, 0, buf.length)) > 0; ) {
                    client.sendAll(Arrays.copyOf(buf, n));
                }
            };
            default -> throw new IllegalArgumentException("handler is direct or bytes, not " + handler);
        };
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
        if (hubs == 1) {
            Green.run(() -> Green.serve(Green.listen(addr, 1024), echo, 10000));
        } else {
            try (HubGroup group = Hubs.group(hubs)) {
                group.each(() -> Green.serve(Green.listen(addr, 1024, true), echo, 10000));
            }
        }
    }
}
