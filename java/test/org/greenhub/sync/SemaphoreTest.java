package org.greenhub.sync;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.Timeout;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class SemaphoreTest {

    @Test
    void fifoWakeUp() {
        Green.run(() -> {
            GreenSemaphore s = new GreenSemaphore(0);
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 5; i++) {
                int id = i;
                Green.spawn(() -> {
                    s.acquire();
                    order.add(id);
                });
            }
            Green.sleep();
            assertEquals(-5, s.balance());
            for (int i = 0; i < 5; i++) {
                s.release();
            }
            assertEquals(0, s.balance());
            Green.sleep();
            assertEquals(List.of(0, 1, 2, 3, 4), order);
        });
    }

    @Test
    void fairHandOffBetweenTwoWorkers() {
        Green.run(() -> {
            GreenSemaphore s = new GreenSemaphore(1);
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            List<GreenThread<Void>> workers = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                workers.add(Green.spawn(() -> {
                    for (int i = 0; i < 5; i++) {
                        s.acquire();
                        log.add(name);
                        Green.sleep();
                        s.release();  // hands the permit to the other worker, which waits
                    }
                }));
            }
            for (GreenThread<Void> w : workers) {
                w.await();
            }
            assertEquals(List.of("a", "b", "a", "b", "a", "b", "a", "b", "a", "b"), log);
            assertEquals(1, s.balance());
        });
    }

    @Test
    void releaseThenReacquireQueuesBehindWaiter() {
        Green.run(() -> {
            GreenSemaphore s = new GreenSemaphore(1);
            s.acquire();
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            GreenThread<Void> other = Green.spawn(() -> {
                s.acquire();
                log.add("other");
                s.release();
            });
            Green.sleep();
            s.release();
            assertFalse(s.tryAcquire()); // the permit went to the waiter
            s.acquire();
            log.add("me");
            other.await();
            assertEquals(List.of("other", "me"), log);
        });
    }

    @Test
    void acquireWithTimeoutReturnsFalse() {
        Green.run(() -> {
            GreenSemaphore s = new GreenSemaphore(1);
            assertTrue(s.acquire(Duration.ofMillis(10)));
            long t0 = System.nanoTime();
            assertFalse(s.acquire(Duration.ofMillis(20)));
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(15).toNanos());
            assertEquals(0, s.balance());
            assertFalse(s.tryAcquire());
            s.release();
            assertTrue(s.tryAcquire());
        });
    }

    @Test
    void enterReleasesOnClose() {
        Green.run(() -> {
            GreenSemaphore s = new GreenSemaphore(2);
            try (Permit p = s.enter()) {
                assertEquals(1, s.balance());
                p.close(); // idempotent
            }
            assertEquals(2, s.balance());
            try (AutoCloseable p = s.enter()) {
                assertEquals(1, s.balance());
            }
            assertEquals(2, s.balance());
        });
    }

    @Test
    void boundedThrowsOnOverRelease() {
        Green.run(() -> {
            BoundedGreenSemaphore s = new BoundedGreenSemaphore(2);
            assertThrows(IllegalStateException.class, s::release);
            s.acquire();
            s.release();
            assertThrows(IllegalStateException.class, s::release);
            assertEquals(2, s.balance());
            assertThrows(IllegalArgumentException.class, () -> new GreenSemaphore(-1));
        });
    }

    @Test
    void cappedReleaseBlocksAtLimit() {
        Green.run(() -> {
            CappedGreenSemaphore s = new CappedGreenSemaphore(1, 2);
            s.release();                       // count 2 = limit
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            GreenThread<Void> releaser = Green.spawn(() -> {
                s.release();
                log.add("released");
            });
            Green.sleep(Duration.ofMillis(20));
            assertEquals(List.of(), log);      // blocked at the limit
            s.acquire();                       // makes room
            releaser.await();
            assertEquals(List.of("released"), log);
            assertTrue(s.tryAcquire());
            assertTrue(s.tryAcquire());
            assertFalse(s.tryAcquire());
            assertFalse(s.acquire(Duration.ofMillis(10)));
            assertEquals(-2, s.balance());      // Eventlet's formula: 0 permits - 2 room
            s.release();
            s.release();
            GreenThread<Void> third = Green.spawn(() -> s.release());
            Green.sleep();
            assertEquals(3, s.balance()); // 2 free permits + 1 blocked releaser
            third.kill();                      // a killed releaser changes nothing
            assertEquals(2, s.balance());
            assertThrows(IllegalArgumentException.class, () -> new CappedGreenSemaphore(3, 2));
        });
    }

    @Test
    void cappedAsEventletsTestBounded() {
        Green.run(() -> {
            CappedGreenSemaphore s = new CappedGreenSemaphore(2, 3);
            s.acquire();
            s.acquire();
            GreenThread<Void> gt1 = Green.spawn(() -> s.release());
            s.acquire();
            assertEquals(-3, s.balance());
            s.release();
            s.release();
            s.release();
            GreenThread<Void> gt2 = Green.spawn(() -> s.acquire());
            s.release();
            assertEquals(3, s.balance());
            gt1.await();
            gt2.await();
        });
    }

    @Test
    void cappedWithZeroLimitHandsReleaseToWaitingAcquirer() {
        Green.run(() -> {
            CappedGreenSemaphore s = new CappedGreenSemaphore(0, 0);
            GreenThread<Void> gt = Green.spawn(() -> s.acquire());
            Green.sleep();
            s.release();
            gt.await();
        });
    }

    @Test
    void killAndTimeoutLoseNoPermit() {
        Green.run(() -> {
            GreenSemaphore s = new GreenSemaphore(0);
            GreenThread<Void> first = Green.spawn(() -> s.acquire());
            GreenThread<Void> second = Green.spawn(() -> s.acquire());
            Green.sleep();
            assertEquals(-2, s.balance());
            s.release();             // handed to first, which has not run yet
            first.kill();            // dies holding it: passed on to second
            assertThrows(GreenThreadExit.class, first::await);
            second.await();
            assertEquals(0, s.balance());

            GreenThread<Void> third = Green.spawn(() -> s.acquire());
            Green.sleep();
            third.kill();            // killed while waiting: leaves the queue
            assertEquals(0, s.balance());
            s.release();
            assertEquals(1, s.balance());
            assertTrue(s.tryAcquire());

            // a Timeout interrupting acquire
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                s.acquire();
                fail("should time out");
            } catch (TimeoutExpired expected) {
                // fine
            }
            assertEquals(0, s.balance());
            s.release();
            assertEquals(1, s.balance());
        });
    }

    @Test
    void plainThreadsAndTwoHubsShareASemaphore() throws Exception {
        GreenSemaphore s = new GreenSemaphore(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            threads.add(new Thread(() -> Green.run(() -> {
                List<GreenThread<Void>> ws = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ws.add(Green.spawn(() -> {
                        for (int k = 0; k < 50; k++) {
                            try (Permit p = s.enter()) {
                                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                Green.sleep();
                                inside.decrementAndGet();
                                total.incrementAndGet();
                            }
                        }
                    }));
                }
                for (GreenThread<Void> w : ws) {
                    w.await();
                }
            })));
        }
        threads.add(new Thread(() -> {
            for (int k = 0; k < 50; k++) {
                s.acquire();
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                inside.decrementAndGet();
                total.incrementAndGet();
                s.release();
            }
        }));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
        assertEquals(2 * 4 * 50 + 50, total.get());
        assertEquals(1, maxInside.get());
        assertEquals(1, s.balance());
    }
}
