package org.greenhub.hub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.greenhub.Green;
import org.greenhub.GreenException;
import org.greenhub.GreenPool;
import org.greenhub.GreenRunnable;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.Timeout;
import org.greenhub.TimeoutExpired;
import org.greenhub.net.GreenSocket;
import org.greenhub.queue.LightQueue;
import org.junit.jupiter.api.Test;

/** Hub groups on the selected hub kind (the suite runs once per kind). */
@org.junit.jupiter.api.Timeout(120)
class HubGroupTest {
    static Set<String> carrierNames() {
        Set<String> names = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("greenhub-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /**
     * One small pool shared by two hubs and two plain threads, all spawning at once:
     * slots are taken and freed on four carriers (a pool thread frees its slot on its
     * own hub), so the lock-free path races the queued spawners. Never more than the
     * size run, nothing is lost, and the counts end at rest.
     */
    @Test
    void poolSharedAcrossHubsAndPlainThreadsNeverRunsMoreThanItsSize() throws Exception {
        int size = 3;
        int perSpawner = 2_000;
        GreenPool pool = new GreenPool(size);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        GreenRunnable task = () -> {
            most.accumulateAndGet(active.incrementAndGet(), Math::max);
            Green.sleep(); // overlap with the others
            active.decrementAndGet();
            ran.incrementAndGet();
        };
        try (HubGroup g = Hubs.group(2)) {
            List<Thread> plain = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                plain.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perSpawner; i++) {
                        pool.spawnN(task);
                    }
                }));
            }
            g.each(() -> {
                for (int i = 0; i < perSpawner; i++) {
                    pool.spawnN(task);
                }
            });
            for (Thread t : plain) {
                t.join();
            }
            pool.waitAll();
        }
        assertEquals(4 * perSpawner, ran.get(), "every task ran once");
        assertTrue(most.get() <= size, "at most " + size + " at once, saw " + most.get());
        assertEquals(0, pool.running());
        assertEquals(size, pool.free());
        assertEquals(0, pool.waiting());
    }

    @Test
    void spawnIsRoundRobinAndCarriersAreNamedAfterTheirHub() throws Exception {
        String kind;
        try (HubGroup g = Hubs.group(2)) {
            assertEquals(2, g.size());
            assertEquals(2, g.hubs().size());
            assertNotSame(g.hubs().get(0), g.hubs().get(1));
            kind = g.hubs().get(0).name();
            List<Hub> on = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                on.add(g.spawn(Green::hub).await());
            }
            assertEquals(List.of(g.hubs().get(0), g.hubs().get(1), g.hubs().get(0), g.hubs().get(1)), on);
            assertTrue(carrierNames().containsAll(Set.of("greenhub-" + kind + "-0", "greenhub-" + kind + "-1")), carrierNames().toString());
        }
        assertFalse(carrierNames().contains("greenhub-" + kind + "-0"), "the carriers ended with close()");
    }

    @Test
    void badSizesAndClosedGroupsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Hubs.group(0));
        HubGroup g = Hubs.group(1);
        g.close();
        g.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> g.spawn(() -> 1));
        assertThrows(IllegalStateException.class, () -> g.each(() -> { }));
        assertEquals(Runtime.getRuntime().availableProcessors(), sizeOfDefault());
    }

    private static int sizeOfDefault() {
        try (HubGroup g = Hubs.group()) {
            return g.size();
        }
    }

    @Test
    void eachRunsOnEveryHubAndWaitsForAll() {
        try (HubGroup g = Hubs.group(3)) {
            Set<Hub> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger done = new AtomicInteger();
            g.each(() -> {
                Green.sleep(Duration.ofMillis(20));
                seen.add(Green.hub());
                done.incrementAndGet();
            });
            assertEquals(Set.copyOf(g.hubs()), seen);
            assertEquals(3, done.get());
            // from a green thread of another hub too
            assertEquals(3, (int) Green.run(() -> {
                AtomicInteger n = new AtomicInteger();
                g.each(n::incrementAndGet);
                return n.get();
            }));
        }
    }

    @Test
    void theFirstFailureKillsTheOthersAndIsRethrown() {
        try (HubGroup g = Hubs.group(3)) {
            AtomicInteger cleanedUp = new AtomicInteger();
            Hub failing = g.hubs().get(1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.each(() -> {
                if (Green.hub() == failing) {
                    Green.sleep(Duration.ofMillis(10));
                    throw new IllegalStateException("boom");
                }
                try {
                    Green.sleep(Duration.ofSeconds(60));
                } finally {
                    Green.sleep(Duration.ofMillis(20)); // cleanup that blocks: each waits for it
                    cleanedUp.incrementAndGet();
                }
            }));
            assertEquals("boom", e.getMessage());
            assertEquals(2, cleanedUp.get(), "the others were killed and had ended when each returned");
            GreenException checked = assertThrows(GreenException.class, () -> g.each(() -> {
                throw new IOException("checked");
            }));
            assertInstanceOf(IOException.class, checked.getCause());
        }
    }

    @Test
    void tenThousandItemsCrossHubsInOrder() {
        try (HubGroup g = Hubs.group(2)) {
            LightQueue<Integer> q = new LightQueue<>(64);
            GreenThread<Void> producer = g.spawn(() -> {
                for (int i = 0; i < 10_000; i++) {
                    q.put(i);
                }
                return null;
            });
            GreenThread<Integer> consumer = g.spawn(() -> {
                int expect = 0;
                for (int i = 0; i < 10_000; i++) {
                    int v = q.get();
                    if (v != expect++) {
                        throw new AssertionError("got " + v + " expected " + (expect - 1));
                    }
                }
                return expect;
            });
            assertEquals(10_000, consumer.await());
            producer.await();
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void killAndTimeoutWorkAcrossHubs() {
        try (HubGroup g = Hubs.group(2)) {
            AtomicBoolean cleanedUp = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            GreenThread<Void> victim = g.spawn(() -> { // hub 0
                try {
                    started.countDown();
                    Green.sleep(Duration.ofSeconds(60));
                } finally {
                    Green.sleep(Duration.ofMillis(30));
                    cleanedUp.set(true);
                }
                return null;
            });
            GreenThread<Boolean> killer = g.spawn(() -> { // hub 1
                started.await();
                victim.kill();
                return cleanedUp.get();
            });
            assertTrue(killer.await(), "kill from another hub returned after the victim's cleanup");
            assertThrows(GreenThreadExit.class, victim::await);

            LightQueue<String> q = new LightQueue<>();
            GreenThread<String> waiter = g.spawn(() -> { // hub 0: a Timeout while waiting on a queue fed from hub 1
                try (Timeout t = Timeout.start(Duration.ofMillis(50))) {
                    return q.get();
                } catch (TimeoutExpired expired) {
                    return "expired";
                }
            });
            assertEquals("expired", waiter.await());
            GreenThread<String> getter = g.spawn(() -> q.get()); // hub 1
            g.spawn(() -> { // hub 0
                q.put("across");
                return null;
            });
            assertEquals("across", getter.await());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void aTwoHubServerEchoesTwoThousandConnectionsThenClosesEverything() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts descriptors in /proc");
        long fdsBefore = openFds();
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", freePort());
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        HubGroup g = Hubs.group(2);
        Map2 perHub = new Map2();
        AtomicReference<Throwable> served = new AtomicReference<>();
        CountDownLatch listening = new CountDownLatch(2);
        Thread server = Thread.ofPlatform().start(() -> {
            try {
                g.each(() -> {
                    var listener = Green.listen(addr, 1024, true);
                    listening.countDown();
                    Green.serve(listener, client -> {
                        perHub.add(Green.hub());
                        byte[] b = new byte[256];
                        for (int n; (n = client.recv(b, 0, b.length)) > 0; ) {
                            client.sendAll(java.util.Arrays.copyOf(b, n));
                        }
                    }, 10_000);
                });
            } catch (Throwable t) {
                served.set(t);
            }
        });
        assertTrue(listening.await(30, TimeUnit.SECONDS));
        int conns = 2000;
        List<GreenSocket> open = new ArrayList<>();
        Green.run(() -> {
            GreenPool pool = new GreenPool(conns);
            for (int c = 0; c < conns; c++) {
                int id = c;
                pool.spawnN(() -> {
                    GreenSocket s = Green.connect(addr);
                    synchronized (open) {
                        open.add(s);
                    }
                    byte[] msg = ("connection " + id).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    s.sendAll(msg);
                    byte[] back = new byte[msg.length];
                    for (int got = 0; got < back.length; ) {
                        int n = s.recv(back, got, back.length - got);
                        assertTrue(n > 0, "echo cut short");
                        got += n;
                    }
                    assertArrayEquals(msg, back);
                });
            }
            pool.waitAll();
        });
        assertEquals(conns, perHub.total());
        for (Hub h : g.hubs()) {
            int share = perHub.of(h);
            assertTrue(share > conns / 10, "SO_REUSEPORT spread the connections: " + perHub);
        }
        // Close while the 2,000 connections are open: every server socket ends.
        g.close();
        server.join(30_000);
        if (server.isAlive()) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement e : server.getStackTrace()) {
                stack.append("\n\tat ").append(e);
            }
            fail("each() did not end after close(); its thread:" + stack + "\n" + org.greenhub.debug.Debug.dumpGreenThreads());
        }
        assertInstanceOf(GreenThreadExit.class, served.get(), "each ended because close killed its green threads");
        Green.run(() -> {
            byte[] b = new byte[16];
            for (GreenSocket s : open) {
                s.setTimeout(Duration.ofSeconds(10));
                assertEquals(-1, s.recv(b, 0, b.length), "the server closed its side");
                s.close();
            }
        });
        Set<Thread> left = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        left.removeAll(threadsBefore);
        left.removeIf(t -> !t.getName().startsWith("greenhub-") || t.getName().equals("greenhub-default-hub"));
        assertEquals(Set.of(), left, "no greenhub thread left");
        // Descriptors: the group's pollers and every socket are closed (a little slack for
        // files the JVM opens on its own, e.g. jars).
        long fdsAfter = openFds();
        assertTrue(fdsAfter <= fdsBefore + 8, "descriptors before " + fdsBefore + ", after " + fdsAfter);
    }

    /** Connections per hub. */
    static final class Map2 {
        private final ConcurrentHashMap<Hub, AtomicInteger> counts = new ConcurrentHashMap<>();

        void add(Hub h) {
            counts.computeIfAbsent(h, k -> new AtomicInteger()).incrementAndGet();
        }

        int of(Hub h) {
            AtomicInteger n = counts.get(h);
            return n == null ? 0 : n.get();
        }

        int total() {
            return counts.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        @Override
        public String toString() {
            return counts.toString();
        }
    }
}
