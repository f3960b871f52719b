package org.greenhub.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.hub.Hub;
import org.greenhub.hub.HubGroup;
import org.greenhub.hub.Hubs;
import org.greenhub.net.GreenSocket;

/**
 * How the kernel spreads connections over a hub group's SO_REUSEPORT listeners: a group
 * of {@code hubs} hubs each accepts on its own listener of one port; {@code connections}
 * clients connect (from another Green.run, 500 at a time), each is counted on the hub
 * that accepted it, and the shares are printed, largest first, with their ratio to an
 * even share. A plain main program:
 * {@code java <flags> -cp benchmarks.jar org.greenhub.bench.ReusePortSpread [connections] [hubs...]}.
 */
public final class ReusePortSpread {
    private ReusePortSpread() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(2, 4);
        }
        for (int hubs : sizes) {
            for (int run = 1; run <= 3; run++) {
                System.out.printf("%d hubs, run %d: %s%n", hubs, run, spread(connections, hubs));
            }
        }
    }

    static String spread(int connections, int hubs) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
        Map<Hub, AtomicInteger> counts = new ConcurrentHashMap<>();
        CountDownLatch listening = new CountDownLatch(hubs);
        try (HubGroup group = Hubs.group(hubs)) {
            Thread server = Thread.ofPlatform().start(() -> {
                try {
                    group.each(() -> {
                        var listener = Green.listen(addr, 4096, true);
                        listening.countDown();
                        Green.serve(listener, client -> {
                            counts.computeIfAbsent(Green.hub(), h -> new AtomicInteger()).incrementAndGet();
                            client.recv(1); // until the client closes
                        }, 100_000);
                    });
                } catch (RuntimeException closed) {
                    // the group closed
                }
            });
            listening.await();
            Green.run(() -> {
                GreenPool pool = new GreenPool(500);
                for (int i = 0; i < connections; i++) {
                    pool.spawnN(() -> {
                        try (GreenSocket s = Green.connect(addr)) {
                            s.sendAll(new byte[] {1});
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                pool.waitAll();
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (counts.values().stream().mapToInt(AtomicInteger::get).sum() < connections && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            group.close();
            server.join();
        }
        List<Integer> shares = counts.values().stream().map(AtomicInteger::get).sorted((a, b) -> b - a).toList();
        int total = shares.stream().mapToInt(Integer::intValue).sum();
        StringBuilder b = new StringBuilder();
        for (int s : shares) {
            b.append(String.format("%.1f%% ", 100.0 * s / total));
        }
        return b + String.format("(largest / even share %.2f, %d connections)", (double) shares.get(0) * hubs / total, total);
    }
}
