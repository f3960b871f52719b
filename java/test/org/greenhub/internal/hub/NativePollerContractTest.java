package org.greenhub.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.greenhub.internal.nativeio.NativeLibrary;
import org.greenhub.internal.nativeio.NativeTesting;
import org.greenhub.internal.nativeio.Sockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every native poller keeps (epoll; kqueue, on Linux through the
 * test shim): edge-triggered readiness of sockets, timeouts, wake-ups, cancel,
 * token reuse. Runs against each native poller, whatever -Dgreenhub.hub says.
 */
class NativePollerContractTest {
    private final List<Integer> fds = new ArrayList<>();
    private Poller poller;

    @AfterEach
    void cleanUp() {
        if (poller != null) {
            poller.close();
        }
        for (int fd : fds) {
            Sockets.close(fd);
        }
    }

    private Poller open(String name) throws IOException {
        String cause = NativeLibrary.unavailabilityCause(name);
        if (cause != null) {
            if (org.greenhub.testing.NativeBuild.builtHere(name)) {
                fail(name + " was built here and must load: " + cause);
            }
            if (NativeLibrary.isLoaded() && org.greenhub.testing.NativeBuild.builtHere("epoll")) {
                fail("the native build makes the kqueue test shim too, but: " + cause);
            }
            System.out.println("skipping " + name + " poller tests: " + cause);
            Assumptions.abort(cause);
        }
        poller = name.equals("epoll") ? EpollPoller.open() : KqueuePoller.open();
        assertEquals(name, poller.name());
        return poller;
    }

    private int[] pair() throws IOException {
        int[] p = NativeTesting.pair();
        fds.add(p[0]);
        fds.add(p[1]);
        return p;
    }

    /** Polls once, OR-ing the bits reported per state. */
    private static Map<PollState, Integer> pollOnce(Poller p, long timeoutNanos) throws IOException {
        Map<PollState, Integer> got = new IdentityHashMap<>();
        p.poll(timeoutNanos, (s, bits) -> got.merge(s, bits, (a, b) -> a | b));
        return got;
    }

    /** Polls until {@code s} is reported with {@code bit}, at most 5 s. */
    private static int awaitBits(Poller p, PollState s, int bit) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            Integer b = pollOnce(p, TimeUnit.MILLISECONDS.toNanos(100)).get(s);
            if (b != null) {
                seen |= b;
                if ((seen & bit) != 0) {
                    return seen;
                }
            }
        }
        fail("state not reported with bit " + bit + " (seen " + seen + ")");
        return 0;
    }

    /** Consumes the pending (initial WRITE) readiness. */
    private static void drain(Poller p) throws IOException {
        for (int i = 0; i < 10 && !pollOnce(p, 0).isEmpty(); i++) {
            // keep going
        }
    }

    private static void send(int fd, String s) throws IOException {
        NativeTesting.writeAll(fd, s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void reportsWriteReadinessInitially(String name) throws IOException {
        Poller p = open(name);
        int[] fd = pair();
        PollState c = new PollState(fd[0]);
        p.arm(c, Poller.WRITE);
        assertTrue(c.token >= 0);
        assertTrue((awaitBits(p, c, Poller.WRITE) & Poller.WRITE) != 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void idlePollTimesOutNeverEarly(String name) throws IOException {
        Poller p = open(name);
        int[] fd = pair();
        PollState s = new PollState(fd[1]);
        p.arm(s, Poller.READ);
        drain(p);
        for (long ms : new long[] {1, 30, 100}) {
            long t0 = System.nanoTime();
            assertEquals(0, p.poll(TimeUnit.MILLISECONDS.toNanos(ms), (st, b) -> fail("reported " + b)));
            long took = System.nanoTime() - t0;
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(ms), "poll(" + ms + " ms) returned after " + took + " ns");
            assertTrue(took < TimeUnit.MILLISECONDS.toNanos(ms + 2000), "poll(" + ms + " ms) took " + took + " ns");
        }
        // Sub-millisecond timeouts round up, they do not spin at zero.
        long t0 = System.nanoTime();
        p.poll(300_000, (st, b) -> fail("reported " + b));
        assertTrue(System.nanoTime() - t0 >= 300_000);
        assertEquals(0, p.poll(0, (st, b) -> fail("reported " + b)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void dataFromThePeerReportsReadForThatStateOnly(String name) throws IOException {
        Poller p = open(name);
        int[] a = pair();
        int[] b = pair();
        PollState sa = new PollState(a[1]);
        PollState sb = new PollState(b[1]);
        p.arm(sa, Poller.READ);
        p.arm(sb, Poller.READ);
        assertTrue(sa.token != sb.token);
        drain(p);
        send(b[0], "ping");
        Map<PollState, Integer> got = pollOnce(p, TimeUnit.SECONDS.toNanos(5));
        assertNull(got.get(sa));
        assertNotNull(got.get(sb), "b not reported");
        assertTrue((got.get(sb) & Poller.READ) != 0);
        // Edge-triggered: unread data is not reported again.
        assertTrue(pollOnce(p, TimeUnit.MILLISECONDS.toNanos(50)).isEmpty());
        // New data: a new edge.
        send(b[0], "more");
        assertTrue((awaitBits(p, sb, Poller.READ) & Poller.READ) != 0);
        // arm() again is a no-op for an armed state.
        int token = sb.token;
        p.arm(sb, Poller.WRITE);
        assertEquals(token, sb.token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void peerCloseReportsReadAndError(String name) throws IOException {
        Poller p = open(name);
        int[] fd = pair();
        PollState s = new PollState(fd[1]);
        p.arm(s, Poller.READ);
        drain(p);
        Sockets.close(fd[0]);
        fds.remove(Integer.valueOf(fd[0]));
        int bits = awaitBits(p, s, Poller.READ);
        assertTrue((bits & Poller.ERROR) != 0, "bits " + bits);
        ByteBuffer buf = ByteBuffer.allocateDirect(8);
        assertEquals(-1, Sockets.read(fd[1], Sockets.address(buf), 8), "end of stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void wakeupInterruptsABlockingPoll(String name) throws Exception {
        Poller p = open(name);
        CountDownLatch polling = new CountDownLatch(1);
        Thread waker = new Thread(() -> {
            try {
                polling.await();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            p.wakeup();
        });
        waker.start();
        polling.countDown();
        long t0 = System.nanoTime();
        assertEquals(0, p.poll(-1, (st, b) -> fail("reported " + b)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        waker.join();

        // A wake-up before the poll makes it return at once, and is consumed.
        p.wakeup();
        p.wakeup();
        t0 = System.nanoTime();
        assertEquals(0, p.poll(-1, (st, b) -> fail("reported " + b)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        t0 = System.nanoTime();
        assertEquals(0, p.poll(TimeUnit.MILLISECONDS.toNanos(50), (st, b) -> fail("reported " + b)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50), "wake-up not consumed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void cancelStopsReports(String name) throws IOException {
        Poller p = open(name);
        int[] fd = pair();
        PollState s = new PollState(fd[1]);
        p.arm(s, Poller.READ);
        drain(p);
        p.cancel(s);
        assertEquals(-1, s.token);
        p.cancel(s); // twice: no-op
        send(fd[0], "ignored");
        assertTrue(pollOnce(p, TimeUnit.MILLISECONDS.toNanos(100)).isEmpty());
        // Re-arming works and reports the pending data.
        p.arm(s, Poller.READ);
        assertTrue((awaitBits(p, s, Poller.READ) & Poller.READ) != 0);
        // Cancel after the descriptor closed: EBADF/ENOENT ignored.
        Sockets.close(fd[1]);
        fds.remove(Integer.valueOf(fd[1]));
        p.cancel(s);
    }

    /**
     * release, unlike cancel, takes the descriptor out of the kernel's registration: the
     * token it had goes to the next state armed here, and the released descriptor's data
     * must not be reported under it; another poller then watches it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void releaseLetsAnotherPollerTakeTheDescriptor(String name) throws IOException {
        Poller p = open(name);
        Poller other = name.equals("epoll") ? EpollPoller.open() : KqueuePoller.open();
        try {
            int[] moved = pair();
            int[] stays = pair();
            PollState s = new PollState(moved[1]);
            p.arm(s, Poller.READ);
            drain(p);
            int token = s.token;
            assertTrue(p.release(s));
            assertEquals(-1, s.token);
            assertTrue(p.release(s), "twice: nothing to do");
            PollState t = new PollState(stays[1]);
            p.arm(t, Poller.READ);
            assertEquals(token, t.token, "the token is reused (LIFO)");
            drain(p);
            other.arm(s, Poller.READ);
            drain(other);
            send(moved[0], "to the other poller");
            assertTrue((awaitBits(other, s, Poller.READ) & Poller.READ) != 0);
            assertTrue(pollOnce(p, TimeUnit.MILLISECONDS.toNanos(100)).isEmpty(),
                    "the released descriptor's data is not reported here, under its old token");
            send(stays[0], "here");
            assertTrue((awaitBits(p, t, Poller.READ) & Poller.READ) != 0);
            // Released after its descriptor closed: ENOENT/EBADF ignored.
            other.cancel(s);
            other.arm(s, Poller.READ);
            Sockets.close(moved[1]);
            fds.remove(Integer.valueOf(moved[1]));
            assertTrue(other.release(s));
        } finally {
            other.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue"})
    void thousandDescriptorsArmedAndCancelledLeaveTheTokenTableReusable(String name) throws IOException {
        Poller p = open(name);
        int n = 1000;
        List<PollState> states = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            states.clear();
            for (int i = 0; i < n; i++) {
                int fd = Sockets.open(false, true);
                fds.add(fd);
                PollState s = new PollState(fd);
                p.arm(s, Poller.READ);
                states.add(s);
            }
            // Every one is writable: all are reported, each with its own state.
            Map<PollState, Integer> seen = new IdentityHashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.size() < n && System.nanoTime() < deadline) {
                p.poll(TimeUnit.MILLISECONDS.toNanos(100), (s, bits) -> seen.merge(s, bits, (a, b) -> a | b));
            }
            assertEquals(n, seen.size());
            for (PollState s : states) {
                assertTrue((seen.get(s) & Poller.WRITE) != 0);
            }
            for (PollState s : states) {
                p.cancel(s);
                assertEquals(-1, s.token);
            }
            int highWater = ((NativePoller) p).tokenHighWater();
            int registered = ((NativePoller) p).registered();
            assertEquals(0, registered);
            assertEquals(n, highWater, "tokens were not reused");
            for (int fd : fds) {
                Sockets.close(fd);
            }
            fds.clear();
        }
    }
}
