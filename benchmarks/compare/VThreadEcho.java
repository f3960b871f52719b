import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * JDK virtual threads TCP echo server: java.net.ServerSocket, one virtual thread
 * per connection, default scheduler. Usage: VThreadEcho PORT [--work ROUNDS] (listens
 * on 127.0.0.1). {@code --work ROUNDS} (the cpu-echo workload) reads whole 64-byte
 * requests and runs {@link Work} on each before echoing it.
 */
public final class VThreadEcho {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int rounds = args.length > 2 && args[1].equals("--work") ? Integer.parseInt(args[2]) : 0;
        try (ServerSocket server = new ServerSocket(port, 1024, InetAddress.getByName("127.0.0.1"))) {
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> echo(s, rounds));
            }
        }
    }

    private static void echo(Socket s, int rounds) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            if (rounds > 0) {
                Work work = new Work(rounds);
                while (in.readNBytes(buf, 0, Work.MESSAGE) == Work.MESSAGE) {
                    work.run(ByteBuffer.wrap(buf, 0, Work.MESSAGE));
                    out.write(buf, 0, Work.MESSAGE);
                }
                return;
            }
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // client went away: the connection ends
        }
    }
}
