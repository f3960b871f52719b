package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.greenhub.sync.Event;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class GreenPoolTest {

    @Test
    void defaultSizeAndNegativeRejected() {
        GreenPool p = new GreenPool();
        assertEquals(1000, p.free());
        assertEquals(0, p.running());
        assertEquals(0, p.waiting());
        assertThrows(IllegalArgumentException.class, () -> new GreenPool(-1));
        assertThrows(IllegalArgumentException.class, () -> p.resize(-1));
    }

    @Test
    void spawnBlocksWhileFullAndRunningTasksGoOn() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Event<Void> go = new Event<>();
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            pool.spawn(() -> { go.await(); log.add("t1"); });
            pool.spawn(() -> { go.await(); log.add("t2"); });
            assertEquals(2, pool.running());
            assertEquals(0, pool.free());
            GreenThread<Void> spawner = Green.spawn(() -> {
                pool.spawn(() -> log.add("t3"));
                log.add("spawned t3");
            });
            Green.sleep();
            assertEquals(1, pool.waiting());
            assertEquals(List.of(), log);
            go.send(null);
            spawner.await();
            pool.waitAll();
            assertTrue(log.indexOf("t1") < log.indexOf("spawned t3"));
            assertTrue(log.containsAll(List.of("t1", "t2", "t3")));
            assertEquals(0, pool.running());
            assertEquals(2, pool.free());
            assertEquals(0, pool.waiting());
        });
    }

    @Test
    void countsAtEveryStepAndFailuresFreeTheirSlot() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(3);
            Event<Void> go = new Event<>();
            GreenThread<Integer> ok = pool.spawn(() -> { go.await(); return 1; });
            assertEquals(1, pool.running());
            assertEquals(2, pool.free());
            GreenThread<Integer> bad = pool.spawn(() -> { go.await(); throw new IllegalStateException("x"); });
            GreenThread<Void> checked = pool.spawn(() -> { go.await(); throw new IOException("io"); });
            assertEquals(3, pool.running());
            assertEquals(0, pool.free());
            GreenThread<Void> blocked = Green.spawn(() -> pool.spawn(() -> go.await()).await());
            Green.sleep();
            assertEquals(1, pool.waiting());
            go.send(null);
            assertEquals(1, ok.await());
            assertThrows(IllegalStateException.class, bad::await);
            assertInstanceOf(IOException.class, assertThrows(GreenException.class, checked::await).getCause());
            blocked.await();
            pool.waitAll();
            assertEquals(0, pool.running());
            assertEquals(3, pool.free());
            assertEquals(0, pool.waiting());
        });
    }

    @Test
    void killedTaskFreesItsSlot() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            GreenThread<Void> forever = pool.spawn(() -> Green.sleep(Duration.ofDays(1)));
            Green.sleep();
            assertEquals(1, pool.running());
            forever.kill();
            assertEquals(0, pool.running());
            GreenThread<Void> notStarted = pool.spawn(() -> fail("never runs"));
            notStarted.kill();   // killed before it started: slot freed too
            assertEquals(0, pool.running());
            assertEquals(5, pool.spawn(() -> 5).await());
        });
    }

    @Test
    void resizeNeverKillsAndGrowingReleasesSpawners() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Event<Void> go = new Event<>();
            AtomicInteger done = new AtomicInteger();
            pool.spawn(() -> { go.await(); done.incrementAndGet(); });
            pool.spawn(() -> { go.await(); done.incrementAndGet(); });
            pool.resize(1);
            assertEquals(2, pool.running());
            assertEquals(-1, pool.free());
            List<GreenThread<Void>> spawners = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                spawners.add(Green.spawn(() -> { pool.spawn(() -> { go.await(); done.incrementAndGet(); }); }));
            }
            Green.sleep();
            assertEquals(3, pool.waiting());
            pool.resize(4);
            assertEquals(1, pool.waiting());
            assertEquals(4, pool.running());
            go.send(null);
            for (GreenThread<Void> s : spawners) {
                s.await();
            }
            pool.waitAll();
            assertEquals(5, done.get());
            assertEquals(4, pool.free());
        });
    }

    @Test
    void spawnOnFullPoolFromOwnThreadRunsInline() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            GreenThread<List<String>> outer = pool.spawn(() -> {
                List<String> log = new ArrayList<>();
                GreenThread<String> inner = pool.spawn(() -> {
                    log.add("inner ran");
                    return "inner";
                });
                log.add("spawn returned");
                log.add(inner.await());
                return log;
            });
            assertEquals(List.of("inner ran", "spawn returned", "inner"), outer.await());
            assertEquals(0, pool.running());
        });
    }

    @Test
    void waitAllFromInsideThePoolThrows() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            GreenThread<Void> t = pool.spawn(() -> pool.waitAll());
            assertThrows(IllegalStateException.class, t::await);
            pool.waitAll();
        });
    }

    @Test
    void imapInOrderWithExceptionsAtTheirPosition() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(4);
            List<Integer> in = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                in.add(i);
            }
            Iterator<Integer> it = pool.imap(x -> {
                Green.sleep(Duration.ofMillis((20 - x) % 5));
                if (x % 7 == 3) {
                    throw new IllegalArgumentException("bad " + x);
                }
                return x * x;
            }, in);
            List<Object> out = new ArrayList<>();
            while (it.hasNext()) {
                try {
                    out.add(it.next());
                } catch (IllegalArgumentException e) {
                    out.add(e.getMessage());
                }
            }
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add(i % 7 == 3 ? "bad " + i : (Object) (i * i));
            }
            assertEquals(expected, out);
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    @Test
    void imapOfEmptyInputEndsAtOnce() {
        Green.run(() -> {
            Iterator<Object> it = new GreenPool(3).imap(x -> x, List.of());
            assertFalse(it.hasNext());
            assertFalse(new GreenPool(3).imapUnordered(x -> x, List.of()).hasNext());
        });
    }

    @Test
    void imapRunsAtMostSizeAheadOverAMillionInputs() {
        Green.run(() -> {
            int n = 1_000_000;
            int size = 8;
            AtomicLong started = new AtomicLong();
            long[] consumed = {0};
            long[] maxAhead = {0};
            Iterable<Integer> inputs = () -> new Iterator<>() {
                int i;

                @Override
                public boolean hasNext() {
                    return i < n;
                }

                @Override
                public Integer next() {
                    return i++; // generated lazily: bounded memory only if imap is lazy
                }
            };
            GreenPool pool = new GreenPool(size);
            Iterator<Integer> it = pool.imap(x -> {
                long ahead = started.incrementAndGet() - consumed[0];
                if (ahead > maxAhead[0]) {
                    maxAhead[0] = ahead;
                }
                return x;
            }, inputs);
            long expect = 0;
            while (it.hasNext()) {
                assertEquals(expect++, (long) it.next());
                consumed[0]++;
            }
            assertEquals(n, expect);
            assertTrue(maxAhead[0] <= size, "ran " + maxAhead[0] + " ahead");
        });
    }

    @Test
    void imapUnorderedYieldsAsResultsComplete() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(10);
            Iterator<Integer> it = pool.imapUnordered(x -> {
                Green.sleep(Duration.ofMillis(x == 0 ? 300 : 1));
                return x;
            }, List.of(0, 1, 2, 3));
            List<Integer> out = new ArrayList<>();
            while (it.hasNext()) {
                out.add(it.next());
            }
            assertEquals(4, out.size());
            assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(out));
            assertEquals(0, out.get(3), "the slow one comes last: " + out);
        });
    }

    @Test
    void imapConsumerKilledWhileWaitingLosesNoElement() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Event<Void> go = new Event<>();
            Iterator<Integer> it = pool.imap(x -> { go.await(); return x; }, List.of(1, 2, 3));
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                it.next();
                fail("should time out");
            } catch (TimeoutExpired expected) {
                // the consumer gave up; the first result is still there
            }
            go.send(null);
            List<Integer> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            assertEquals(List.of(1, 2, 3), out);
        });
    }

    @Test
    void aSlotFreedWhileOthersStayTakenGoesToTheWaitingSpawner() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Event<Void> releaseA = new Event<>();
            Event<Void> releaseB = new Event<>();
            pool.spawnN(releaseA::await);
            pool.spawnN(releaseB::await);
            Event<Void> cRan = new Event<>();
            GreenThread<Void> spawner = Green.spawn(() -> pool.spawnN(() -> cRan.send(null)));
            Green.sleep();
            assertEquals(1, pool.waiting());
            releaseB.send(null); // A keeps its slot: the pool never gets back to 0
            try (Timeout t = Timeout.start(Duration.ofSeconds(5))) {
                spawner.await();
                cRan.await();
            }
            assertEquals(0, pool.waiting());
            releaseA.send(null);
            pool.waitAll();
            assertEquals(2, pool.free());
        });
    }

    @Test
    void killedSpawnerKeepsCountsRight() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Event<Void> go = new Event<>();
            AtomicInteger ran = new AtomicInteger();
            pool.spawnN(() -> { go.await(); ran.incrementAndGet(); });
            GreenThread<Void> spawner = Green.spawn(() -> pool.spawnN(() -> ran.incrementAndGet()));
            GreenThread<Void> spawner2 = Green.spawn(() -> pool.spawnN(() -> ran.incrementAndGet()));
            Green.sleep();
            assertEquals(2, pool.waiting());
            spawner.kill();
            assertEquals(1, pool.waiting());
            go.send(null);
            spawner2.await();
            pool.waitAll();
            assertEquals(2, ran.get());
            assertEquals(0, pool.running());
            assertEquals(1, pool.free());
        });
    }

    @Test
    void usableFromAPlainThread() {
        GreenPool pool = new GreenPool(2);   // tasks run on the default hub; this thread blocks in spawn
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            pool.spawn(() -> {
                Green.sleep(Duration.ofMillis(1));
                ran.incrementAndGet();
            });
            assertTrue(pool.running() <= 2);
        }
        pool.waitAll();
        assertEquals(10, ran.get());
        List<Integer> out = new ArrayList<>();
        pool.imap(x -> x + 1, List.of(1, 2, 3, 4, 5)).forEachRemaining(out::add);
        assertEquals(List.of(2, 3, 4, 5, 6), out);
        assertEquals(0, pool.running());
    }
}
