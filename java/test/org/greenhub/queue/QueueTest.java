package org.greenhub.queue;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.Timeout;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class QueueTest {

    @Test
    void fifoUnbounded() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>();
            assertEquals(-1, q.maxSize());
            assertFalse(q.isFull());
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            assertEquals(5, q.size());
            for (int i = 0; i < 5; i++) {
                assertEquals(i, q.get());
            }
            assertTrue(q.isEmpty());
            assertNull(q.poll());
        });
    }

    @Test
    void boundedPutBlocksAtMaxSize() {
        Green.run(() -> {
            GreenQueue<Integer> q = new GreenQueue<>(2);
            q.put(1);
            q.put(2);
            assertTrue(q.isFull());
            assertFalse(q.offer(3));
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            GreenThread<Void> putter = Green.spawn(() -> {
                q.put(3);
                log.add("put 3");
            });
            Green.sleep();
            assertEquals(1, q.putting());
            assertTrue(log.isEmpty());
            assertEquals(1, q.get());
            putter.await();
            assertEquals(List.of("put 3"), log);
            assertEquals(0, q.putting());
            assertEquals(2, q.get());
            assertEquals(3, q.get());
        });
    }

    @Test
    void channelPutReturnsOnlyOnceAGetterHasTheItem() {
        Green.run(() -> {
            LightQueue<String> ch = new LightQueue<>(0);
            assertTrue(ch.isEmpty());
            assertTrue(ch.isFull());
            assertFalse(ch.offer("x"));
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            GreenThread<Void> putter = Green.spawn(() -> {
                ch.put("a");
                log.add("put returned");
            });
            Green.sleep(Duration.ofMillis(20));
            assertEquals(List.of(), log);
            assertEquals(1, ch.putting());
            assertEquals(0, ch.size());
            assertTrue(ch.isEmpty() && ch.isFull());
            assertEquals("a", ch.get());
            putter.await();
            assertEquals(List.of("put returned"), log);

            // a waiting getter: put hands over at once
            GreenThread<String> getter = Green.spawn(() -> ch.get());
            Green.sleep();
            assertEquals(1, ch.getting());
            assertTrue(ch.offer("b"));
            assertEquals("b", getter.await());
        });
    }

    @Test
    void resizeUpReleasesPuttersDownDropsNothing() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(1);
            q.put(0);
            List<GreenThread<Void>> putters = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int v = i;
                putters.add(Green.spawn(() -> q.put(v)));
            }
            Green.sleep();
            assertEquals(3, q.putting());
            q.resize(3);
            assertEquals(1, q.putting());
            assertEquals(3, q.size());
            q.resize(-1);
            for (GreenThread<Void> p : putters) {
                p.await();
            }
            assertEquals(4, q.size());
            q.resize(1);
            assertEquals(4, q.size());
            assertTrue(q.isFull());
            List<Integer> got = new ArrayList<>();
            while (!q.isEmpty()) {
                got.add(q.get());
            }
            assertEquals(List.of(0, 1, 2, 3), got);
        });
    }

    @Test
    void gettingAndPuttingCountsAndFifoWaiters() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(0);
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 5; i++) {
                int id = i;
                Green.spawn(() -> order.add(id * 100 + q.get()));
            }
            Green.sleep();
            assertEquals(5, q.getting());
            assertEquals(0, q.putting());
            for (int i = 0; i < 5; i++) {
                q.put(i);
                assertEquals(4 - i, q.getting());
            }
            Green.sleep();
            assertEquals(List.of(0, 101, 202, 303, 404), order);

            // putters too
            List<Integer> putOrder = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 4; i++) {
                int id = i;
                Green.spawn(() -> {
                    q.put(id);
                    putOrder.add(id);
                });
            }
            Green.sleep();
            assertEquals(4, q.putting());
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(q.get());
            }
            assertEquals(List.of(0, 1, 2, 3), got);
            Green.sleep();
            assertEquals(List.of(0, 1, 2, 3), putOrder);
        });
    }

    @Test
    void timedPutAndGetThrow() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(1);
            assertThrows(QueueEmpty.class, () -> q.get(Duration.ofMillis(10)));
            q.put(1, Duration.ofMillis(10));
            assertThrows(QueueFull.class, () -> q.put(2, Duration.ofMillis(10)));
            assertEquals(0, q.putting());
            assertEquals(0, q.getting());
            assertEquals(1, q.get(Duration.ofMillis(10)));
            assertThrows(QueueEmpty.class, () -> q.get(Duration.ZERO));
        });
    }

    /**
     * A waiter yields to the runnable green threads before it parks (a hand-off is then
     * served without a park), but a zero timeout takes only what is there now, even with
     * a putter runnable; a timed wait may be served during that yield.
     */
    @Test
    void aWaiterYieldsFirstButAZeroTimeoutOnlyTakesWhatIsThere() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(1);
            Green.spawn(() -> q.put(1)); // runnable, not run yet
            assertThrows(QueueEmpty.class, () -> q.get(Duration.ZERO));
            assertEquals(1, q.get(Duration.ofSeconds(10)));
            List<String> log = new ArrayList<>();
            Green.spawn(() -> {
                log.add("putter");
                q.put(2);
            });
            log.add("getter waits");
            assertEquals(2, q.get());
            log.add("getter served");
            assertEquals(List.of("getter waits", "putter", "getter served"), log);
        });
    }

    @Test
    void offerAndPollNeverBlock() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(1);
            assertNull(q.poll());
            assertTrue(q.offer(1));
            assertFalse(q.offer(2));
            assertEquals(1, q.poll());
            assertNull(q.poll());
            // poll takes from a waiting putter of a channel
            LightQueue<Integer> ch = new LightQueue<>(0);
            Green.spawn(() -> ch.put(7));
            Green.sleep();
            assertEquals(7, ch.poll());
        });
    }

    @Test
    void timedOutGetterNeverSwallowsAnItem() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>();
            // the getter's timeout fires, then an item is handed to it before it runs again
            GreenThread<Integer> g = Green.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    return q.get();
                } catch (TimeoutExpired e) {
                    return -1;
                }
            });
            Green.sleep();
            assertEquals(1, q.getting());
            // block the hub past the deadline, then put: the getter has been served AND has a pending timeout
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            q.put(42);
            int r = g.await();
            if (r == -1) {
                assertEquals(42, q.get(Duration.ofSeconds(5)), "the item must stay in the queue");
            } else {
                assertEquals(42, r);
                assertTrue(q.isEmpty());
            }
        });
    }

    @Test
    void killedGetterNeverSwallowsAnItemAndPassesItOn() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>();
            GreenThread<Integer> first = Green.spawn(() -> q.get());
            GreenThread<Integer> second = Green.spawn(() -> q.get());
            Green.sleep();
            assertEquals(2, q.getting());
            q.put(1);            // handed to the first getter, which has not run yet
            first.kill();        // it dies holding the item: the item goes to the second getter
            assertThrows(GreenThreadExit.class, first::await);
            assertEquals(1, second.await());
            assertEquals(0, q.getting());
            assertTrue(q.isEmpty());

            // killed with nobody else waiting: the item goes back to the head
            GreenThread<Integer> third = Green.spawn(() -> q.get());
            Green.sleep();
            q.put(2);
            q.put(3);
            third.kill();
            assertEquals(2, q.get());
            assertEquals(3, q.get());
        });
    }

    @Test
    void killedPutterLeavesNoItemBehind() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(1);
            q.put(0);
            GreenThread<Void> p = Green.spawn(() -> q.put(1));
            GreenThread<Void> p2 = Green.spawn(() -> q.put(2));
            Green.sleep();
            assertEquals(2, q.putting());
            p.kill();
            assertEquals(1, q.putting());
            assertEquals(0, q.get());
            p2.await();
            assertEquals(2, q.get());
            assertTrue(q.isEmpty());
            assertEquals(0, q.putting());
        });
    }

    @Test
    void taskDoneAndJoin() {
        Green.run(() -> {
            GreenQueue<Integer> q = new GreenQueue<>();
            assertThrows(IllegalStateException.class, q::taskDone);
            q.join(); // nothing to wait for
            q.put(99);
            assertEquals(1, q.unfinishedTasks());
            assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(5), () -> {
                q.join();
                return null;
            }));
            GreenThread<Void> joiner = Green.spawn(() -> q.join());
            Green.sleep();
            joiner.kill(); // a killed joiner changes nothing
            assertEquals(1, q.unfinishedTasks());
            assertEquals(99, q.get());
            q.taskDone();
            q.join();

            AtomicInteger processed = new AtomicInteger();
            for (int i = 0; i < 10; i++) {
                q.put(i);
            }
            for (int w = 0; w < 3; w++) {
                Green.spawn(() -> {
                    while (true) {
                        q.get();
                        Green.sleep(Duration.ofMillis(1));
                        processed.incrementAndGet();
                        q.taskDone();
                    }
                });
            }
            q.join();
            assertEquals(10, processed.get());
            assertThrows(IllegalStateException.class, q::taskDone);
        });
    }

    @Test
    void priorityOrderNaturalAndComparator() {
        Green.run(() -> {
            PriorityGreenQueue<Integer> q = new PriorityGreenQueue<>();
            for (int v : new int[] {5, 1, 4, 2, 3}) {
                q.put(v);
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(q.get());
            }
            assertEquals(List.of(1, 2, 3, 4, 5), got);

            PriorityGreenQueue<String> r = new PriorityGreenQueue<>(3, Comparator.reverseOrder());
            r.put("a");
            r.put("c");
            r.put("b");
            assertTrue(r.isFull());
            assertEquals("c", r.get());
            assertEquals("b", r.get());
            assertEquals("a", r.get());
            assertEquals(3, r.maxSize());
            GreenQueue<String> asGreenQueue = r; // hierarchy per api.md
            LightQueue<String> asLight = asGreenQueue;
            assertNotNull(asLight);
        });
    }

    @Test
    void lifoOrder() {
        Green.run(() -> {
            LifoGreenQueue<Integer> q = new LifoGreenQueue<>(10);
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(q.get());
            }
            assertEquals(List.of(4, 3, 2, 1, 0), got);
            q.put(1);
            q.taskDone(); // it is a GreenQueue
        });
    }

    @Test
    void plainThreadProducerFeedsGreenConsumersOnTwoHubs() throws Exception {
        int n = 2000;
        LightQueue<Integer> q = new LightQueue<>(8);
        ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
        int[] perHub = new int[2];
        CountDownLatch ready = new CountDownLatch(2);
        List<Thread> hubs = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            int hub = h;
            Thread t = new Thread(() -> Green.run(() -> {
                ready.countDown();
                List<GreenThread<Void>> consumers = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    consumers.add(Green.spawn(() -> {
                        while (true) {
                            int v = q.get();
                            if (v < 0) {
                                return;
                            }
                            seen.add(v);
                            synchronized (perHub) {
                                perHub[hub]++;
                            }
                            if (v % 7 == 0) {
                                Green.sleep();
                            }
                        }
                    }));
                }
                for (GreenThread<Void> c : consumers) {
                    c.await();
                }
            }), "hub-" + h);
            t.start();
            hubs.add(t);
        }
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < n; i++) {
            q.put(i);                   // a plain thread blocks like in java.util.concurrent
        }
        for (int i = 0; i < 6; i++) {
            q.put(-1);
        }
        for (Thread t : hubs) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
        List<Integer> all = new ArrayList<>(seen);
        Collections.sort(all);
        assertEquals(n, all.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, all.get(i));
        }
        assertEquals(n, perHub[0] + perHub[1]);
    }

    @Test
    void plainThreadGetterAndGreenPutter() throws Exception {
        LightQueue<String> ch = new LightQueue<>(0);
        Thread hub = new Thread(() -> Green.run(() -> {
            ch.put("from green");
            assertEquals("from plain", ch.get());
        }));
        hub.start();
        assertEquals("from green", ch.get(Duration.ofSeconds(10)));
        ch.put("from plain", Duration.ofSeconds(10));
        hub.join(10_000);
        assertFalse(hub.isAlive());
    }

    @Test
    void nullItemsRefused() {
        LightQueue<Object> q = new LightQueue<>();
        assertThrows(NullPointerException.class, () -> q.put(null));
        assertThrows(NullPointerException.class, () -> q.offer(null));
    }
}
