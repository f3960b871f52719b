package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.greenhub.hub.Interest;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;
import org.greenhub.net.Select;
import org.greenhub.pools.ResourcePool;
import org.greenhub.queue.LightQueue;
import org.greenhub.queue.QueueEmpty;
import org.greenhub.queue.QueueFull;
import org.greenhub.sync.CappedGreenSemaphore;
import org.greenhub.sync.Event;
import org.greenhub.sync.GreenSemaphore;
import org.junit.jupiter.api.Test;

/**
 * Every timed call of the API with the durations that sit at the edges of the clock:
 * zero, 1 ns, 1 µs and a negative one (a deadline that has passed, or passes before the
 * waiter gets to look at it, times out at once, never "waits forever"), and durations
 * near and beyond Long.MAX_VALUE nanoseconds (no deadline: the call waits for its event).
 * The bound below only tells a wait that never ends from one that ends; it is no timing check.
 */
@org.junit.jupiter.api.Timeout(120)
class TimedCallsTest {
    static final List<Duration> PASSED = List.of(Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(1000), Duration.ofMillis(-5));
    static final List<Duration> ENDLESS = List.of(Duration.ofNanos(Long.MAX_VALUE - 1), Duration.ofSeconds(Long.MAX_VALUE));
    static final Duration BOUND = Duration.ofSeconds(10);
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    /** Runs {@code call} in a green thread and returns what it returns or throws; fails when it is still running after BOUND. */
    static <T> T ends(Callable<T> call) throws Exception {
        GreenThread<T> g = Green.spawn(call);
        Timeout bound = Timeout.start(BOUND);
        try {
            return g.await();
        } catch (GreenException e) {
            throw e.getCause() instanceof Exception checked ? checked : e; // await wraps checked exceptions
        } catch (TimeoutExpired e) {
            if (e.timeout() != bound) {
                throw e;
            }
            g.kill();
            throw new AssertionError("still waiting after " + BOUND);
        } finally {
            bound.cancel();
        }
    }

    /** Starts {@code call} in a green thread, sees that it waits, runs {@code release}, then returns its outcome as {@link #ends}. */
    static <T> T waitsFor(Callable<T> call, GreenRunnable release) throws Exception {
        GreenThread<T> g = Green.spawn(call);
        Green.sleep(Duration.ofMillis(20));
        if (g.isDone()) {
            fail("a call without a deadline ended before its event: " + ends(g::await));
        }
        release.run();
        return ends(g::await);
    }

    static <T> void throwsAtOnce(Class<? extends Throwable> expected, Callable<T> call) {
        assertThrows(expected, () -> ends(call));
    }

    // ---- the facade and the primitives ------------------------------------------------

    @Test
    void sleepWithTimeoutAndTimeoutEndAtOnceWhenTheDeadlineHasPassed() {
        Green.run(() -> {
            for (Duration d : PASSED) {
                String at = "duration " + d;
                assertNull(ends(() -> {
                    Green.sleep(d);
                    return null;
                }), at);
                throwsAtOnce(TimeoutExpired.class, () -> Green.withTimeout(d, () -> {
                    Green.sleep(BOUND.multipliedBy(2));
                    return "slept";
                }));
                assertEquals("timed out", ends(() -> Green.withTimeout(d, () -> {
                    Green.sleep(BOUND.multipliedBy(2));
                    return "slept";
                }, "timed out")), at);
                assertEquals("own", ends(() -> {
                    Timeout t = Timeout.start(d);
                    try {
                        new Event<String>().await();
                        return "not fired";
                    } catch (TimeoutExpired e) {
                        return e.timeout() == t ? "own" : "other";
                    } finally {
                        t.cancel();
                    }
                }), at);
                assertEquals(42, ends(() -> Green.withTimeout(d, () -> 42)), "a body that never blocks completes");
            }
        });
    }

    @Test
    void primitivesTimeOutAtOnceWhenTheDeadlineHasPassed() {
        Green.run(() -> {
            for (Duration d : PASSED) {
                throwsAtOnce(QueueEmpty.class, () -> new LightQueue<String>().get(d));
                LightQueue<String> full = new LightQueue<>(1);
                full.put("x");
                throwsAtOnce(QueueFull.class, () -> {
                    full.put("y", d);
                    return null;
                });
                throwsAtOnce(QueueFull.class, () -> {
                    new LightQueue<String>(0).put("to nobody", d);
                    return null;
                });
                assertEquals("x", full.poll(), "a timed-out putter left nothing behind");
                assertNull(full.poll());
                throwsAtOnce(TimeoutExpired.class, () -> new Event<String>().await(d));
                assertFalse(ends(() -> new GreenSemaphore(0).acquire(d)));
                assertFalse(ends(() -> new CappedGreenSemaphore(0, 1).acquire(d)));
                ResourcePool<Object> pool = new ResourcePool<>(0, 1, Object::new);
                Object only = pool.get();
                throwsAtOnce(TimeoutExpired.class, () -> pool.get(d));
                pool.put(only);
                assertSame(only, pool.get(d), "a free item is taken whatever the timeout");
            }
        });
    }

    @Test
    void primitivesWithoutADeadlineWaitForTheirEvent() {
        Green.run(() -> {
            for (Duration d : ENDLESS) {
                assertThrows(GreenThreadExit.class, () -> {
                    GreenThread<Void> sleeper = Green.spawn(() -> Green.sleep(d));
                    Green.sleep(Duration.ofMillis(20));
                    assertFalse(sleeper.isDone());
                    sleeper.kill();
                    sleeper.await();
                });
                Event<String> e1 = new Event<>();
                assertEquals("sent", waitsFor(() -> Green.withTimeout(d, () -> e1.await()), () -> e1.send("sent")));
                Event<String> e2 = new Event<>();
                assertEquals("sent", waitsFor(() -> Green.withTimeout(d, () -> e2.await(), "timed out"), () -> e2.send("sent")));
                Event<String> e3 = new Event<>();
                assertEquals("sent", waitsFor(() -> {
                    try (Timeout t = Timeout.start(d)) {
                        return e3.await();
                    }
                }, () -> e3.send("sent")));
                LightQueue<String> q = new LightQueue<>(1);
                assertEquals("item", waitsFor(() -> q.get(d), () -> q.put("item")));
                q.put("first");
                waitsFor(() -> {
                    q.put("second", d);
                    return null;
                }, () -> assertEquals("first", q.get()));
                assertEquals("second", q.get());
                Event<String> e4 = new Event<>();
                assertEquals("sent", waitsFor(() -> e4.await(d), () -> e4.send("sent")));
                GreenSemaphore sem = new GreenSemaphore(0);
                assertTrue(waitsFor(() -> sem.acquire(d), sem::release));
                CappedGreenSemaphore capped = new CappedGreenSemaphore(0, 1);
                assertTrue(waitsFor(() -> capped.acquire(d), capped::release));
                ResourcePool<Object> pool = new ResourcePool<>(0, 1, Object::new);
                Object only = pool.get();
                assertSame(only, waitsFor(() -> pool.get(d), () -> pool.put(only)));
            }
        });
    }

    @Test
    void plainThreadsTimeOutAtOnceToo() throws Exception {
        for (Duration d : PASSED) {
            Green.sleep(d);
            assertThrows(QueueEmpty.class, () -> new LightQueue<String>().get(d));
            assertThrows(TimeoutExpired.class, () -> new Event<String>().await(d));
            assertFalse(new GreenSemaphore(0).acquire(d));
            assertEquals("timed out", Green.withTimeout(d, () -> {
                Green.sleep(BOUND.multipliedBy(2));
                return "slept";
            }, "timed out"));
        }
        for (Duration d : ENDLESS) {
            LightQueue<String> q = new LightQueue<>();
            Thread putter = Thread.ofPlatform().start(() -> {
                Green.sleep(Duration.ofMillis(20));
                q.put("item");
            });
            assertEquals("item", q.get(d));
            putter.join();
        }
    }

    // ---- sockets ---------------------------------------------------------------------

    /** A connected pair: {@code [client, accepted peer]}. */
    static GreenSocket[] pair(GreenServerSocket server) throws Exception {
        GreenSocket client = Green.connect(server.localAddress());
        server.setTimeout(BOUND);
        return new GreenSocket[] {client, server.accept()};
    }

    /** Fills {@code s}'s send path (its buffer and the peer's receive buffer) until a write would wait. */
    static void fill(GreenSocket s) throws Exception {
        s.setTimeout(Duration.ZERO);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        for (int i = 0; i < 512; i++) {
            try {
                s.sendAll(chunk.clear());
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        fail("512 MiB went into a socket nobody reads");
    }

    @Test
    void socketCallsTimeOutAtOnceWhenTheDeadlineHasPassed() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL)) {
                for (Duration d : PASSED) {
                    if (d.isNegative()) {
                        assertThrows(IllegalArgumentException.class, () -> server.setTimeout(d), "a negative socket timeout");
                        continue;
                    }
                    GreenSocket[] p = pair(server);
                    try (GreenSocket s = p[0]; GreenSocket peer = p[1]) {
                        s.setTimeout(d);
                        throwsAtOnce(SocketTimeoutException.class, () -> s.recv(16));
                        assertTrue(Select.select(Set.of(s), Set.of(), d).readers().isEmpty());
                        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                                () -> ends(() -> {
                                    Green.hub().trampoline(s, Interest.READ, d);
                                    return null;
                                }));
                        assertInstanceOf(SocketTimeoutException.class, e.getCause());
                        fill(s);
                        s.setTimeout(d);
                        throwsAtOnce(SocketTimeoutException.class, () -> s.send(ByteBuffer.allocate(1024)));
                        server.setTimeout(d);
                        throwsAtOnce(SocketTimeoutException.class, server::accept);
                        // A connect to a live listener on loopback may finish at once or time out: either way it ends.
                        try (GreenSocket c = ends(() -> GreenSocket.connect(server.localAddress(), d))) {
                            assertTrue(c.isOpen());
                        } catch (SocketTimeoutException timedOut) {
                            // the deadline passed before the kernel finished the handshake
                        }
                        server.setTimeout(Duration.ofMillis(100));
                        try {
                            server.accept().close(); // the next pair must not meet this connection
                        } catch (SocketTimeoutException none) {
                            // the timed-out connect left nothing in the backlog
                        }
                    }
                }
            }
        });
    }

    @Test
    void socketCallsWithoutADeadlineWaitForReadiness() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL)) {
                for (Duration d : ENDLESS) {
                    GreenSocket[] p = pair(server);
                    try (GreenSocket s = p[0]; GreenSocket peer = p[1]) {
                        s.setTimeout(d);
                        assertArrayEquals(new byte[] {1}, waitsFor(() -> s.recv(16), () -> peer.sendAll(new byte[] {1})));
                        waitsFor(() -> {
                            Green.hub().trampoline(s, Interest.READ, d);
                            return null;
                        }, () -> peer.sendAll(new byte[] {2}));
                        assertArrayEquals(new byte[] {2}, s.recv(16));
                        assertEquals(Set.of(s), waitsFor(() -> Select.select(Set.of(s), Set.of(), d).readers(),
                                () -> peer.sendAll(new byte[] {3})));
                        assertArrayEquals(new byte[] {3}, s.recv(16));
                        fill(s);
                        s.setTimeout(d);
                        assertEquals(1024, waitsFor(() -> s.send(ByteBuffer.allocate(1024)) > 0 ? 1024 : 0,
                                () -> Green.spawnN(() -> {
                                    byte[] sink = new byte[1 << 16];
                                    while (peer.recv(sink, 0, sink.length) > 0) {
                                        // drain until the client closes
                                    }
                                })));
                    }
                    server.setTimeout(d);
                    GreenSocket accepted = waitsFor(server::accept, () -> Green.spawnN(() -> Green.connect(server.localAddress()).close()));
                    accepted.close();
                    try (GreenSocket c = ends(() -> GreenSocket.connect(server.localAddress(), d))) {
                        assertTrue(c.isOpen());
                        server.setTimeout(BOUND);
                        server.accept().close();
                    }
                }
            }
        });
    }
}
