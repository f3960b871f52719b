package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.greenhub.internal.hub.HubLoop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Kill and Timeout reach a green thread blocked in a JDK blocking call (java.net and
 * java.nio channels, Thread.sleep, j.u.c locks and queues, Object.wait, Process
 * waits), however the code in between wraps the interrupt; the interrupt status is
 * clear afterwards.
 */
@org.junit.jupiter.api.Timeout(60)
class JdkBlockingCallsTest {

    /** The JDK blocking calls, each waiting for good; the sockets connect to {@code server}, which never writes. */
    static Map<String, Callable<Object>> calls(ServerSocket server, Process sleeper) {
        LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        ReentrantLock lock = new ReentrantLock();
        Condition never = lock.newCondition();
        Object monitor = new Object();
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Map<String, Callable<Object>> calls = new LinkedHashMap<>();
        calls.put("BlockingQueue.take", q::take);
        calls.put("Thread.sleep", () -> {
            Thread.sleep(Duration.ofMinutes(1));
            return null;
        });
        calls.put("Condition.await", () -> {
            lock.lockInterruptibly();
            try {
                never.await();
            } finally {
                lock.unlock();
            }
            return null;
        });
        calls.put("Object.wait", () -> {
            synchronized (monitor) {
                monitor.wait();
            }
            return null;
        });
        calls.put("Process.waitFor", sleeper::waitFor);
        calls.put("java.net.Socket read", () -> {
            try (Socket s = new Socket()) {
                s.connect(addr);
                return s.getInputStream().read();
            }
        });
        calls.put("SocketChannel read", () -> {
            try (SocketChannel ch = SocketChannel.open(addr)) {
                return ch.read(ByteBuffer.allocate(16));
            }
        });
        calls.put("a library that catches the interrupt once and waits again", () -> {
            for (int attempt = 0; ; attempt++) {
                try {
                    return q.take();
                } catch (InterruptedException e) {
                    if (attempt > 0) {
                        throw e;
                    }
                }
            }
        });
        calls.put("a library that wraps the interrupt", () -> {
            try {
                return q.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException("the library gave up", e);
            }
        });
        return calls;
    }

    interface Body {
        void run(Map<String, Callable<Object>> calls) throws Exception;
    }

    static void withCalls(Body body) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "120").start();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            body.run(calls(server, sleeper));
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    static void awaitBlocked(GreenThread<?> t) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (t.thread().getState() != Thread.State.WAITING && t.thread().getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < end, "never blocked");
            Green.sleep(Duration.ofMillis(1));
        }
    }

    @Test
    void killReachesEveryJdkBlockingCallAndAwaitSaysGreenThreadExit() throws Exception {
        withCalls(calls -> Green.run(() -> {
            for (var call : calls.entrySet()) {
                GreenThread<Object> t = Green.spawn(call.getValue());
                awaitBlocked(t);
                long t0 = System.nanoTime();
                t.kill();
                double ms = (System.nanoTime() - t0) / 1e6;
                GreenThreadExit exit = assertThrows(GreenThreadExit.class, t::await, call.getKey());
                assertTrue(ms < 2_000, call.getKey() + ": the kill took " + ms + " ms");
                // what the code in between threw rides along, unless it is the interrupt itself
                assertTrue(exit.getSuppressed().length <= 1, Arrays.toString(exit.getSuppressed()));
            }
        }));
    }

    @Test
    void timeoutReachesEveryJdkBlockingCallThroughWithTimeout() throws Exception {
        withCalls(calls -> Green.run(() -> {
            for (var call : calls.entrySet()) {
                long t0 = System.nanoTime();
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(50), call.getValue()), call.getKey());
                double ms = (System.nanoTime() - t0) / 1e6;
                assertTrue(ms >= 50 && ms < 2_000, call.getKey() + ": the timeout took " + ms + " ms");
                assertNotNull(e.timeout());
                assertNotNull(e.getCause(), call.getKey() + ": what the call threw is the cause");
                assertFalse(Thread.currentThread().isInterrupted(), call.getKey());
                Green.sleep(Duration.ofMillis(1)); // the next greenhub call works
                assertEquals("late", Green.withTimeout(Duration.ofMillis(20), call.getValue(), "late"), call.getKey());
                assertFalse(Thread.currentThread().isInterrupted(), call.getKey());
            }
        }));
    }

    @Test
    void timeoutInTryWithResourcesAttachesItselfToTheLibrarysException() throws Exception {
        Green.run(() -> {
            LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
            Timeout[] started = new Timeout[1];
            IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(30))) {
                    started[0] = t;
                    try {
                        q.take();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("the library gave up", e);
                    }
                }
            });
            TimeoutExpired te = (TimeoutExpired) wrapped.getSuppressed()[0];
            assertSame(started[0], te.timeout());
            assertFalse(Thread.currentThread().isInterrupted());

            // a library that swallows the interrupt and returns: close() throws the TimeoutExpired
            TimeoutExpired alone = assertThrows(TimeoutExpired.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(30))) {
                    started[0] = t;
                    try {
                        Thread.sleep(Duration.ofMinutes(1));
                    } catch (InterruptedException swallowed) {
                        // returns normally
                    }
                }
            });
            assertSame(started[0], alone.timeout());
            assertFalse(Thread.currentThread().isInterrupted());

            // a timeout that fires while nothing waits in a JDK call and is never thrown stays quiet
            try (Timeout t = Timeout.start(Duration.ZERO)) {
                assertFalse(t.isPending());
            }
            Green.sleep(Duration.ofMillis(1));
        });
    }

    @Test
    void timeoutOnAPlainThreadInThreadSleep() {
        long t0 = System.nanoTime();
        TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(30), () -> {
            Thread.sleep(Duration.ofMinutes(1));
            return null;
        }));
        assertTrue((System.nanoTime() - t0) / 1e6 < 2_000);
        assertInstanceOf(InterruptedException.class, e.getCause());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void timedJdkWaitsOfGreenThreadsAreTimersOfTheirHub() {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "JDK 25 asks a ForkJoinPool scheduler to run the delayed tasks");
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            int before = hub.pendingTimers();
            GreenThread<Void> sleeper = Green.spawn(() -> Thread.sleep(Duration.ofMillis(300)));
            GreenThread<Object> poller = Green.spawn(() -> new SynchronousQueue<>().poll(300, TimeUnit.MILLISECONDS));
            Green.sleep(Duration.ofMillis(20));
            assertEquals(before + 2, hub.pendingTimers()); // on the hub, not on a JDK unparker thread
            long t0 = System.nanoTime();
            sleeper.await();
            assertNull(poller.await());
            assertTrue((System.nanoTime() - t0) / 1e6 >= 200);
            GreenThread<Void> woken = Green.spawn(() -> Thread.sleep(Duration.ofMinutes(1)));
            Green.sleep(Duration.ofMillis(20));
            woken.kill();                          // the timed park ends early: its timer is cancelled
            assertThrows(GreenThreadExit.class, woken::await);
            Green.sleep(Duration.ofMillis(50)); // and the kill's redelivery check has run
            assertEquals(before, hub.pendingTimers());
        });
    }

    @Test
    void aKilledThreadThatEndsWithItsOwnExceptionStillReportsTheKill() {
        Green.run(() -> {
            GreenThread<Object> t = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } catch (GreenThreadExit e) {
                    throw new IllegalStateException("cleanup failed");
                }
                return null;
            });
            Green.sleep();
            t.kill();
            GreenThreadExit exit = assertThrows(GreenThreadExit.class, t::await);
            assertEquals("cleanup failed", exit.getSuppressed()[0].getMessage());
            // one that catches the kill and returns a value keeps its value
            GreenThread<String> stubborn = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } catch (GreenThreadExit e) {
                    return "caught";
                }
                return "slept";
            });
            Green.sleep();
            stubborn.kill();
            assertEquals("caught", stubborn.await());
        });
    }
}
