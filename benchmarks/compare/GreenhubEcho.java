import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.greenhub.Green;

/**
 * greenhub TCP echo server: one hub (chosen with -Dgreenhub.hub=epoll|nio), one
 * green thread per connection. Usage: GreenhubEcho PORT (listens on 127.0.0.1).
 */
public final class GreenhubEcho {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Green.run(() -> Green.serve(Green.listen(new InetSocketAddress("127.0.0.1", port), 1024), client -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            while (true) {
                buf.clear();
                if (client.recv(buf) < 0) {
                    return;
                }
                buf.flip();
                client.sendAll(buf);
            }
        }, 10000));
    }
}
