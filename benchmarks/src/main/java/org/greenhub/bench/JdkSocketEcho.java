package org.greenhub.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.greenhub.Green;
import org.greenhub.GreenPool;

/**
 * Round trips per second of the JDK's own blocking sockets used from green threads:
 * java.net.Socket and ServerSocket, not patched, so every wait goes through the
 * JDK's socket pollers (sun.nio.ch.Poller), which unpark the green thread onto its
 * hub. This is the path JDBC drivers and other pure-Java clients take. One hub runs
 * an echo server and {@code connections} clients that each send 64 bytes and wait
 * for them back; each round runs in a fresh {@code Green.run} for {@code seconds}
 * and prints its rate, then the median. Compare the JDK's poller modes with
 * {@code -Djdk.pollerMode=1} (platform poller threads) and {@code 2} (virtual-thread
 * sub-pollers, the Linux default). A plain main program:
 * {@code java <flags> -cp benchmarks.jar org.greenhub.bench.JdkSocketEcho [connections] [seconds] [rounds]}.
 */
public final class JdkSocketEcho {
    private JdkSocketEcho() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.out.printf("JdkSocketEcho: %d connections, %.1f s rounds, jdk.pollerMode=%s%n",
                connections, seconds, System.getProperty("jdk.pollerMode", "default"));
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            rates[r] = round(connections, (long) (seconds * 1e9));
            System.out.printf("round %d: %.0f round trips/s%n", r + 1, rates[r]);
        }
        Arrays.sort(rates);
        System.out.printf("median: %.0f round trips/s%n", rates[rounds / 2]);
    }

    static double round(int connections, long nanos) {
        return Green.run(() -> {
            AtomicLong trips = new AtomicLong();
            try (ServerSocket server = new ServerSocket(0, connections, InetAddress.getLoopbackAddress())) {
                GreenPool handlers = new GreenPool(connections + 1);
                handlers.spawnN(() -> {
                    for (int i = 0; i < connections; i++) {
                        Socket c = server.accept();
                        handlers.spawnN(() -> echo(c));
                    }
                });
                long end = System.nanoTime() + nanos;
                long start = System.nanoTime();
                GreenPool clients = new GreenPool(connections);
                for (int i = 0; i < connections; i++) {
                    clients.spawnN(() -> {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                            s.setTcpNoDelay(true);
                            byte[] msg = new byte[64];
                            OutputStream out = s.getOutputStream();
                            InputStream in = s.getInputStream();
                            long n = 0;
                            while (System.nanoTime() < end) {
                                out.write(msg);
                                if (in.readNBytes(msg, 0, msg.length) != msg.length) {
                                    throw new IllegalStateException("echo ended early");
                                }
                                n++;
                            }
                            trips.addAndGet(n);
                        }
                    });
                }
                clients.waitAll();
                double rate = trips.get() * 1e9 / (System.nanoTime() - start);
                handlers.waitAll();
                return rate;
            }
        });
    }

    private static void echo(Socket c) throws Exception {
        try (c) {
            c.setTcpNoDelay(true);
            byte[] buf = new byte[4096];
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        }
    }
}
