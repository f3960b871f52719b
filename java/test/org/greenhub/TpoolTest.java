package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tpool on the selected hub: blocking work off the hub, exceptions, timeouts, proxies. */
@org.junit.jupiter.api.Timeout(30)
class TpoolTest {

    private static boolean onPoolThread() {
        Thread t = Thread.currentThread();
        return !t.isVirtual() && t.getName().startsWith("greenhub-tpool-") && Tpool.isPoolThread();
    }

    @Test
    void executeRunsOnAPoolThreadFromGreenAndPlainCallers() {
        assertTrue(Green.run(() -> Tpool.execute(TpoolTest::onPoolThread)));
        assertTrue(Tpool.execute(TpoolTest::onPoolThread), "a plain caller is served by the pool too");
        assertEquals(42, Tpool.execute(() -> 42));
    }

    @Test
    void exceptionsArriveAsThemselves() {
        Green.run(() -> {
            IllegalStateException unchecked = new IllegalStateException("boom");
            assertSame(unchecked, assertThrows(IllegalStateException.class,
                    () -> Tpool.execute(() -> { throw unchecked; })));
            IOException checked = new IOException("disk");
            GreenException wrapped = assertThrows(GreenException.class,
                    () -> Tpool.execute(() -> { throw checked; }));
            assertSame(checked, wrapped.getCause());
            AssertionError error = new AssertionError("err");
            assertSame(error, assertThrows(AssertionError.class, () -> Tpool.execute(() -> { throw error; })));
        });
    }

    @Test
    void otherGreenThreadsRunWhileOneWaits() {
        Green.run(() -> {
            // The pool call can only finish after another green thread of the same hub
            // ran: were the hub blocked, this would deadlock (and the class timeout fail it).
            CountDownLatch release = new CountDownLatch(1);
            GreenThread<Boolean> caller = Green.spawn(() -> Tpool.execute(() -> release.await(20, TimeUnit.SECONDS)));
            GreenThread<Void> other = Green.spawn(() -> {
                Green.sleep(20);
                release.countDown();
            });
            other.await();
            assertTrue(caller.await());
        });
    }

    @Test
    void timeoutAndKillFireOnTimeAndTheWorkerFinishesInTheBackground() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Callable<String> slow = () -> {
            started.incrementAndGet();
            release.await(20, TimeUnit.SECONDS);
            finished.incrementAndGet();
            return "dropped";
        };
        Green.run(() -> {
            long t0 = System.nanoTime();
            try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Tpool.execute(slow));
                assertSame(t, e.timeout());
            }
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "the timeout fired late");

            int before = started.get();
            GreenThread<String> victim = Green.spawn(() -> Tpool.execute(slow));
            while (started.get() == before) {
                Green.sleep(5); // until the call runs on its pool thread
            }
            victim.kill();
            assertThrows(GreenThreadExit.class, victim::await);
            assertEquals(0, finished.get(), "the abandoned calls are still running");
        });
        release.countDown();
        // Each call that had started runs to its end in the background (a call the
        // timeout caught while still queued never starts).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (finished.get() < started.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(started.get() >= 1);
        assertEquals(started.get(), finished.get());
    }

    @Test
    void executeFromAPoolThreadRunsInline() {
        Green.run(() -> {
            Thread[] threads = Tpool.execute(() -> new Thread[] {
                    Thread.currentThread(), Tpool.execute(Thread::currentThread)});
            assertSame(threads[0], threads[1]);
        });
    }

    @Test
    void poolSizeDefaultsToTwentyAndBoundsConcurrency() {
        assertEquals(20, Tpool.sizeFrom(null));
        assertEquals(3, Tpool.sizeFrom(" 3"));
        for (String bad : List.of("zero", "0", "-2", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tpool.sizeFrom(bad));
            assertTrue(e.getMessage().contains("greenhub.threadpool.size"), e.getMessage());
        }
        if (System.getProperty(Tpool.SIZE_PROPERTY) != null) {
            return; // the concurrency check below assumes the default size
        }
        Green.run(() -> {
            AtomicInteger running = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            GreenPool pool = new GreenPool(25);
            for (int i = 0; i < 25; i++) {
                pool.spawnN(() -> Tpool.execute(() -> {
                    running.incrementAndGet();
                    return release.await(20, TimeUnit.SECONDS);
                }));
            }
            while (running.get() < 20) {
                Green.sleep(5);
            }
            Green.sleep(100); // give a 21st thread, were there one, time to show up
            assertEquals(20, running.get());
            release.countDown();
            pool.waitAll();
            assertEquals(25, running.get());
        });
    }

    interface Store {
        String load(String key) throws IOException;

        void fail(RuntimeException e);

        default int twice(int x) {
            return 2 * x;
        }
    }

    @Test
    void proxyRunsEveryCallOnThePoolAndPassesExceptionsThrough() {
        List<Boolean> onPool = new ArrayList<>();
        Store target = new Store() {
            @Override
            public String load(String key) throws IOException {
                onPool.add(onPoolThread());
                if (key.isEmpty()) {
                    throw new IOException("no key");
                }
                return "value of " + key;
            }

            @Override
            public void fail(RuntimeException e) {
                onPool.add(onPoolThread());
                throw e;
            }
        };
        Green.run(() -> {
            Store p = Tpool.proxy(target, Store.class);
            assertEquals("value of a", p.load("a"));
            IOException e = assertThrows(IOException.class, () -> p.load(""));
            assertEquals("no key", e.getMessage());
            IllegalArgumentException iae = new IllegalArgumentException();
            assertSame(iae, assertThrows(IllegalArgumentException.class, () -> p.fail(iae)));
            assertEquals(8, p.twice(4));
            assertEquals(p, p);
            assertNotEquals(p, Tpool.proxy(target, Store.class));
            assertEquals(List.of(true, true, true), onPool);
        });
    }
}
