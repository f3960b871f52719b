import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * JDK virtual threads TCP echo server: java.net.ServerSocket, one virtual thread
 * per connection, default scheduler. Usage: VThreadEcho PORT (listens on 127.0.0.1).
 */
public final class VThreadEcho {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket(port, 1024, InetAddress.getByName("127.0.0.1"))) {
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> echo(s));
            }
        }
    }

    private static void echo(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // client went away: the connection ends
        }
    }
}
