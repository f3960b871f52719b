import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.greenhub.Green;
import org.greenhub.SocketHandler;

/**
 * greenhub TCP echo server: one hub (chosen with -Dgreenhub.hub=epoll|nio), one
 * green thread per connection. Usage: GreenhubEcho PORT [direct|bytes] (listens on
 * 127.0.0.1). {@code direct} (the default) echoes through one direct ByteBuffer per
 * connection; {@code bytes} is the README's handler, as users write it: a byte[]
 * buffer and a copy of what was read for each sendAll.
 */
public final class GreenhubEcho {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String handler = args.length > 1 ? args[1] : "direct";
        SocketHandler echo = switch (handler) {
            case "direct" -> client -> {
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
        Green.run(() -> Green.serve(Green.listen(new InetSocketAddress("127.0.0.1", port), 1024), echo, 10000));
    }
}
