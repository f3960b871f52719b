package org.greenhub.debug;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.Tpool;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;
import org.greenhub.queue.LightQueue;
import org.greenhub.sync.Event;
import org.greenhub.sync.GreenSemaphore;
import org.greenhub.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The blocking detector, the dump and the hub MXBeans, on the selected hub kind. */
@Timeout(60)
class DebugTest {
    @AfterEach
    void defaultThreshold() {
        Debug.hubBlockingDetection(Duration.ofMillis(100));
    }

    /** Holds the hub for {@code d} without yielding. */
    static void spin(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    static void spinningCulprit(Duration d, LogCapture log, AtomicReference<String> seenWhileSpinning) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
            if (seenWhileSpinning.get() == null && log.text().contains("blocked for")) {
                seenWhileSpinning.set(log.text());
            }
        }
    }

    @Test
    void aSpinningGreenThreadIsReportedWhileItSpinsWithItsStack() throws Exception {
        Debug.hubBlockingDetection(Duration.ofMillis(100));
        try (LogCapture log = new LogCapture()) {
            AtomicReference<String> seen = new AtomicReference<>();
            String name = Green.run(() -> {
                GreenThread<String> g = Green.spawn(() -> {
                    spinningCulprit(Duration.ofMillis(600), log, seen);
                    return Green.current().name();
                });
                return g.await();
            });
            assertNotNull(seen.get(), "reported while the culprit still held the hub:\n" + log.text());
            assertTrue(seen.get().contains("WARNING org.greenhub.debug: hub "), seen.get());
            assertTrue(seen.get().contains("by green thread " + name), seen.get());
            assertTrue(seen.get().contains("spinningCulprit"), "the report has the culprit's stack:\n" + seen.get());
            awaitLog(log, "was blocked for");
            String after = log.text();
            assertTrue(after.matches("(?s).*was blocked for \\d+ ms by green thread " + name + ".*"), "the stall's end: " + after);
            assertEquals(1, after.split("has not yielded", -1).length - 1, "reported once: " + after);
        }
    }

    @Test
    void aSpawnNThreadSpinningBeforeItsFirstYieldIsReportedAsItself() throws Exception {
        // spawnN makes its thread only at its turn, on the hub thread, and runs it at once:
        // the report must name that thread and show its stack, not the hub's.
        Debug.hubBlockingDetection(Duration.ofMillis(100));
        try (LogCapture log = new LogCapture()) {
            AtomicReference<String> seen = new AtomicReference<>();
            AtomicReference<String> name = new AtomicReference<>();
            Green.run(() -> {
                Green.spawnN(() -> {
                    name.set(Green.current().name());
                    spinningCulprit(Duration.ofMillis(600), log, seen);
                });
                Green.sleep(Duration.ofMillis(700));
            });
            assertNotNull(seen.get(), "reported while the culprit still held the hub:\n" + log.text());
            assertTrue(seen.get().contains("by green thread " + name.get()), seen.get());
            assertTrue(seen.get().contains("spinningCulprit"), "the report has the culprit's stack:\n" + seen.get());
        }
    }

    /** Waits (at most 5 s) until {@code log} has {@code text}: the watchdog writes it from its own thread. */
    static void awaitLog(LogCapture log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!log.text().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void aThreadThatYieldsEveryTenMillisecondsIsNeverReported() {
        try (LogCapture log = new LogCapture()) {
            Green.run(() -> {
                for (int i = 0; i < 40; i++) {
                    spin(Duration.ofMillis(10));
                    Green.sleep();
                }
            });
            assertFalse(log.text().contains("blocked for"), log.text());
        }
    }

    @Test
    void offMeansOff() {
        Debug.hubBlockingDetection(Duration.ZERO);
        try (LogCapture log = new LogCapture()) {
            Green.run(() -> spin(Duration.ofMillis(400)));
            Debug.hubBlockingDetection(null);
            Green.run(() -> spin(Duration.ofMillis(400)));
            assertFalse(log.text().contains("blocked"), log.text());
        }
        assertThrows(IllegalArgumentException.class, () -> Debug.hubBlockingDetection(Duration.ofMillis(-1)));
    }

    @Test
    void eachStallIsAJfrEvent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stall.jfr");
        try (Recording r = new Recording(); LogCapture ignored = new LogCapture()) {
            r.enable("org.greenhub.HubBlocked");
            r.start();
            Green.run(() -> Green.spawn(() -> {
                spin(Duration.ofMillis(200));
                long giveUp = System.nanoTime() + 10_000_000_000L; // held until reported, however slow the watchdog is here
                while (!ignored.text().contains("has not yielded") && System.nanoTime() < giveUp) {
                    spin(Duration.ofMillis(5));
                }
                return null;
            }).await());
            awaitLog(ignored, "was blocked for"); // committed when the watchdog sees the stall end
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        RecordedEvent e = events.stream().filter(x -> x.getEventType().getName().equals("org.greenhub.HubBlocked"))
                .findFirst().orElseThrow(() -> new AssertionError("no HubBlocked event in " + events.size()));
        assertTrue(e.getString("hub").matches("(epoll|kqueue|nio)-\\d+"), e.getString("hub"));
        assertTrue(e.getString("greenThread").startsWith("green thread "), e.getString("greenThread"));
        assertTrue(e.getDuration("stallDuration").toMillis() >= 100, e.toString());
        assertTrue(e.getString("stack").contains("eachStallIsAJfrEvent"), e.getString("stack"));
    }

    @Test
    void theDumpNamesEveryWaitingThreadAndWhatItWaitsFor() throws Exception {
        String dump = Green.run(() -> {
            LightQueue<String> q = new LightQueue<>();
            Event<String> ev = new Event<>();
            GreenSemaphore sem = new GreenSemaphore(0);
            GreenServerSocket server = Green.listen(new InetSocketAddress("127.0.0.1", 0));
            GreenSocket client = Green.connect(server.localAddress());
            GreenSocket accepted = server.accept();
            GreenThread<?> sleeper = named("sleeper", () -> Green.sleep(Duration.ofSeconds(30)));
            GreenThread<?> getter = named("getter", q::get);
            GreenThread<?> eventWaiter = named("event-waiter", ev::await);
            GreenThread<?> acquirer = named("acquirer", () -> sem.acquire());
            GreenThread<?> reader = named("reader", () -> accepted.recv(16));
            GreenThread<?> joiner = named("joiner", sleeper::await);
            GreenThread<?> tpooled = named("tpooled", () -> Tpool.execute(() -> {
                Thread.sleep(3000);
                return null;
            }));
            Green.sleep(Duration.ofMillis(100)); // all of them reach their waits
            String d = Debug.dumpGreenThreads();
            for (GreenThread<?> g : List.of(sleeper, getter, eventWaiter, acquirer, reader, joiner, tpooled)) {
                g.kill();
            }
            client.close();
            accepted.close();
            server.close();
            return d;
        });
        assertTrue(dump.matches("(?s)hub (epoll|kqueue|nio)-\\d+ on .*"), dump);
        assertWaits(dump, "sleeper", "sleep, deadline in ");
        assertWaits(dump, "getter", "LightQueue[");
        assertWaits(dump, "event-waiter", "org.greenhub.sync.Event");
        assertWaits(dump, "acquirer", "GreenSemaphore");
        assertWaits(dump, "reader", "socket fd ");
        assertTrue(dump.contains("(read)"), dump);
        assertWaits(dump, "joiner", "sleeper");
        assertWaits(dump, "tpooled", "a Tpool call");
        assertTrue(dump.contains("\"" + "sleeper\" waiting on sleep") && dump.contains("at org.greenhub.Green.sleep"), "stacks: " + dump);
        assertTrue(dump.contains(" running\n"), "the dumping thread is running: " + dump);
    }

    static GreenThread<?> named(String name, org.greenhub.GreenRunnable body) {
        GreenThread<Void> g = Green.spawn(body);
        g.thread().setName(name);
        return g;
    }

    static void assertWaits(String dump, String name, String on) {
        int at = dump.indexOf("\"" + name + "\" waiting on ");
        assertTrue(at >= 0, name + " is listed as waiting:\n" + dump);
        String line = dump.substring(at, dump.indexOf('\n', at));
        assertTrue(line.contains(on), name + " waits on " + on + ": " + line);
    }

    @Test
    void eachHubIsAnMxBeanWithItsCounters() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String carrier = Thread.currentThread().getName();
        AtomicLong stalls = new AtomicLong(-1);
        Green.run(() -> {
            Green.spawn(() -> Green.sleep(Duration.ofSeconds(30)));
            Green.sleep(Duration.ofMillis(10));
            ObjectName hub = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (hub == null && System.nanoTime() < deadline) { // the watchdog registers it within a tick
                for (ObjectName n : server.queryNames(new ObjectName("org.greenhub:type=Hub,*"), null)) {
                    if (carrier.equals(server.getAttribute(n, "Carrier"))) {
                        hub = n;
                    }
                }
                Green.sleep(Duration.ofMillis(20));
            }
            assertNotNull(hub, "an MXBean for this hub: " + server.queryNames(new ObjectName("org.greenhub:*"), null));
            assertEquals(Green.hub().name(), server.getAttribute(hub, "Kind"));
            assertTrue((Integer) server.getAttribute(hub, "LiveGreenThreads") >= 2);
            assertTrue((Long) server.getAttribute(hub, "Passes") > 0);
            assertTrue((Long) server.getAttribute(hub, "PollWaits") > 0);
            assertTrue((Integer) server.getAttribute(hub, "PendingTimers") >= 1, "the sleeper's timer");
            assertTrue((Integer) server.getAttribute(hub, "RunQueueLength") >= 0);
            try (LogCapture log = new LogCapture()) {
                // Holds the hub until the watchdog reported it (it may be slow to get a core here).
                long giveUp = System.nanoTime() + 10_000_000_000L;
                while (!log.text().contains("has not yielded") && System.nanoTime() < giveUp) {
                    spin(Duration.ofMillis(5));
                }
                Green.sleep(Duration.ofMillis(1));
                while (!log.text().contains("was blocked for") && System.nanoTime() < giveUp) {
                    Green.sleep(Duration.ofMillis(20)); // the watchdog sees the stall end
                }
            }
            stalls.set((Long) server.getAttribute(hub, "Stalls"));
            assertTrue((Long) server.getAttribute(hub, "LongestStallMillis") >= 100);
            String dump = (String) server.invoke(hub, "dumpGreenThreads", null, null);
            assertTrue(dump.contains("waiting on sleep"), dump);
            Set<ObjectName> names = Set.of(hub);
            assertEquals(1, names.size());
        });
        assertTrue(stalls.get() >= 1, "stalls: " + stalls.get());
    }
}
