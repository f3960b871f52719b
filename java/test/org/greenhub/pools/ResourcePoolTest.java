package org.greenhub.pools;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class ResourcePoolTest {

    @Test
    void createsLazilyUpToMaxSizeThenBlocks() {
        Green.run(() -> {
            AtomicInteger created = new AtomicInteger();
            ResourcePool<Integer> pool = new ResourcePool<>(1, 3, created::incrementAndGet);
            assertEquals(1, created.get());
            assertEquals(3, pool.free());
            assertEquals(1, pool.get());          // the pre-created one
            assertEquals(1, created.get());
            assertEquals(2, pool.get());
            assertEquals(3, pool.get());
            assertEquals(3, created.get());
            assertEquals(0, pool.free());
            GreenThread<Integer> waiter = Green.spawn(() -> pool.get());
            Green.sleep();
            assertEquals(1, pool.waiting());
            assertThrows(TimeoutExpired.class, () -> pool.get(Duration.ofMillis(10)));
            assertEquals(1, pool.waiting());
            pool.put(2);
            assertEquals(2, waiter.await());
            assertEquals(0, pool.waiting());
            assertEquals(3, created.get());
        });
    }

    @Test
    void putHandsTheItemToTheLongestWaitingGetter() {
        Green.run(() -> {
            ResourcePool<String> pool = new ResourcePool<>(0, 1, () -> "only");
            String item = pool.get();
            List<String> log = new ArrayList<>();
            List<GreenThread<Void>> getters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int id = i;
                getters.add(Green.spawn(() -> {
                    String it = pool.get();
                    log.add("g" + id);
                    Green.sleep();
                    pool.put(it);
                }));
            }
            Green.sleep();
            assertEquals(3, pool.waiting());
            pool.put(item);
            assertEquals(2, pool.waiting());
            assertEquals(0, pool.free());        // handed over: never free in between
            assertThrows(TimeoutExpired.class, () -> pool.get(Duration.ZERO));
            for (GreenThread<Void> g : getters) {
                g.await();
            }
            assertEquals(List.of("g0", "g1", "g2"), log);
            assertEquals(1, pool.free());
        });
    }

    @Test
    void createThatThrowsRollsTheCountBack() {
        Green.run(() -> {
            AtomicInteger calls = new AtomicInteger();
            ResourcePool<Integer> pool = new ResourcePool<>(0, 1, () -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("cannot connect");
                }
                return calls.get();
            });
            assertThrows(IllegalStateException.class, pool::get);
            assertEquals(1, pool.free());
            assertEquals(2, pool.get());
            assertEquals(0, pool.free());
        });
    }

    @Test
    void failedCreateLetsAWaiterCreate() {
        Green.run(() -> {
            AtomicInteger calls = new AtomicInteger();
            ResourcePool<Integer> pool = new ResourcePool<>(0, 1, () -> {
                int n = calls.incrementAndGet();
                Green.sleep(Duration.ofMillis(5));
                if (n == 1) {
                    throw new IllegalStateException("first fails");
                }
                return n;
            });
            GreenThread<Integer> first = Green.spawn(() -> pool.get());
            GreenThread<Integer> second = Green.spawn(() -> pool.get());
            Green.sleep();
            assertEquals(1, pool.waiting());
            assertThrows(IllegalStateException.class, first::await);
            assertEquals(2, second.await());
        });
    }

    @Test
    void hundredConcurrentPairsWithYieldingCreateCreateExactlyMaxSize() {
        Green.run(() -> {
            AtomicInteger created = new AtomicInteger();
            ResourcePool<Integer> pool = new ResourcePool<>(0, 4, () -> {
                Green.sleep();   // create yields
                return created.incrementAndGet();
            });
            List<GreenThread<Void>> users = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                users.add(Green.spawn(() -> {
                    Integer it = pool.get();
                    Green.sleep();
                    pool.put(it);
                }));
            }
            for (GreenThread<Void> u : users) {
                u.await();
            }
            assertEquals(4, created.get());
            assertEquals(4, pool.free());
            assertEquals(0, pool.waiting());
        });
    }

    @Test
    void leaseReturnsTheItemOnClose() {
        Green.run(() -> {
            ResourcePool<StringBuilder> pool = new ResourcePool<>(0, 1, StringBuilder::new);
            StringBuilder first;
            try (Lease<StringBuilder> l = pool.lease()) {
                first = l.get();
                assertEquals(0, pool.free());
                l.close(); // idempotent
            }
            assertEquals(1, pool.free());
            try (Lease<StringBuilder> l = pool.lease()) {
                assertSame(first, l.get());
            }
        });
    }

    @Test
    void discardDropsTheItemAndAWaitingGetterCreatesANewOne() {
        Green.run(() -> {
            AtomicInteger created = new AtomicInteger();
            ResourcePool<Integer> pool = new ResourcePool<>(0, 1, created::incrementAndGet);
            Integer broken = pool.get();
            GreenThread<Integer> waiter = Green.spawn(() -> pool.get());
            Green.sleep();
            assertEquals(1, pool.waiting());
            pool.discard(broken);
            assertEquals(2, waiter.await()); // a new item, not the broken one
            assertEquals(1, pool.size());
            pool.put(2);
            // a lease: discard, then close does nothing
            try (Lease<Integer> l = pool.lease()) {
                assertEquals(2, l.get());
                l.discard();
                l.discard();
                assertEquals(0, pool.size());
            }
            assertEquals(0, pool.size());
            assertEquals(1, pool.free());
            assertEquals(3, pool.get());
            assertThrows(NullPointerException.class, () -> pool.discard(null));
        });
    }

    @Test
    void killedGetterLosesNoItem() {
        Green.run(() -> {
            ResourcePool<String> pool = new ResourcePool<>(1, 1, () -> "x");
            String x = pool.get();
            GreenThread<String> a = Green.spawn(() -> pool.get());
            GreenThread<String> b = Green.spawn(() -> pool.get());
            Green.sleep();
            pool.put(x);       // handed to a, which has not run yet
            a.kill();          // passes it on to b
            assertThrows(GreenThreadExit.class, a::await);
            assertEquals("x", b.await());
            GreenThread<String> c = Green.spawn(() -> pool.get());
            Green.sleep();
            c.kill();
            assertEquals(0, pool.waiting());
            assertEquals("none", Green.withTimeout(Duration.ofMillis(10), pool::get, "none"));
            assertEquals(0, pool.waiting());
            pool.put("x");
            assertEquals(1, pool.free());
        });
    }

    @Test
    void resizeUpLetsWaitersCreateAndDownDropsReturnedItems() {
        Green.run(() -> {
            AtomicInteger created = new AtomicInteger();
            ResourcePool<Integer> pool = new ResourcePool<>(0, 1, created::incrementAndGet);
            int one = pool.get();
            GreenThread<Integer> waiter = Green.spawn(() -> pool.get());
            Green.sleep();
            pool.resize(2);
            assertEquals(2, waiter.await());
            pool.resize(1);
            pool.put(one);      // above the new maxSize: dropped
            assertEquals(0, pool.free());
            pool.put(2);
            assertEquals(1, pool.free());
        });
    }

    @Test
    void sharedWithPlainThreads() throws Exception {
        ResourcePool<Integer> pool = new ResourcePool<>(0, 2, new AtomicInteger()::incrementAndGet);
        AtomicInteger uses = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    try (Lease<Integer> l = pool.lease()) {
                        uses.incrementAndGet();
                    }
                }
            }));
        }
        threads.add(new Thread(() -> Green.run(() -> {
            for (int i = 0; i < 100; i++) {
                try (Lease<Integer> l = pool.lease()) {
                    uses.incrementAndGet();
                    Green.sleep();
                }
            }
        })));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
        assertEquals(400, uses.get());
        assertEquals(2, pool.free());
    }
}
