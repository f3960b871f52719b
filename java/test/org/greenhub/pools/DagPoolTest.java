package org.greenhub.pools;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.Timeout;
import org.greenhub.TimeoutExpired;
import org.greenhub.sync.Event;
import org.junit.jupiter.api.Test;

/** Eventlet's tests/dagpool_test.py, ported, and what the Java API adds. */
@org.junit.jupiter.api.Timeout(20)
class DagPoolTest {

    /** Messages in steps; the messages of one step may come in any order (dagpool_test.Capture). */
    static final class Capture {
        final List<Set<String>> sequence = Collections.synchronizedList(new ArrayList<>(List.of(new HashSet<>())));

        synchronized void add(String message) {
            sequence.get(sequence.size() - 1).add(message);
        }

        synchronized void step() {
            sequence.add(new HashSet<>());
        }

        void validate(List<Set<String>> steps) {
            assertEquals(steps, sequence);
        }
    }

    static final class BogusError extends RuntimeException {
        BogusError(String message) {
            super(message);
        }
    }

    /** dagpool_test.observe: logs what it got, then returns what {@code event} sends. */
    private static BiFunction<String, Map<String, String>, String> observe(Capture capture, Event<String> event) {
        return (key, in) -> {
            if (!in.isEmpty()) {
                capture.add(key + " got " + new HashSet<>(in.keySet()));
            }
            String result = event.await();
            capture.add(key + " returning " + result);
            return result;
        };
    }

    /** Lets every runnable green thread of the hub run until it blocks (dagpool_test.spin). */
    private static void spin() {
        for (int i = 0; i < 10; i++) {
            Green.sleep();
        }
    }

    /** Runs {@code op} and checks that it did not let the other green threads run (check_no_suspend). */
    private static <T> T withoutSuspending(java.util.concurrent.Callable<T> op) throws Exception {
        AtomicInteger counter = new AtomicInteger();
        GreenThread<Void> incrementer = Green.spawn(() -> {
            while (true) {
                counter.incrementAndGet();
                Green.sleep();
            }
        });
        Green.sleep();
        int before = counter.get();
        assertTrue(before > 0, "the incrementer runs");
        T result = op.call();
        assertEquals(before, counter.get(), "the operation suspended");
        incrementer.kill();
        return result;
    }

    private static <K, V> Map<K, V> ordered(Object... kv) {
        Map<K, V> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked") K k = (K) kv[i];
            @SuppressWarnings("unchecked") V v = (V) kv[i + 1];
            m.put(k, v);
        }
        return m;
    }

    private static List<String> keysOf(Iterator<Map.Entry<String, String>> each) {
        List<String> out = new ArrayList<>();
        each.forEachRemaining(e -> out.add(e.getKey()));
        return out;
    }

    // ---- values: preload, post, wait, waitEach -------------------------------------------

    @Test
    void preloadedValuesAreThereWithoutWaiting() {
        Green.run(() -> {
            assertEquals(Map.of(), new DagPool<String, Integer>().waitAll());
            DagPool<String, Integer> pool = new DagPool<>(Map.of("a", 1, "b", 2, "c", 3));
            assertEquals(Map.of("a", 1, "b", 2, "c", 3), withoutSuspending(pool::waitAll));
            assertEquals(Set.of("a", "b", "c"), pool.keys());
            assertEquals(Map.of("a", 1, "b", 2, "c", 3), pool.items());
            assertEquals(2, pool.get("b"));
            assertNull(pool.get("z"));
            assertEquals(0, pool.running());
        });
    }

    @Test
    void waitEachOnNoKeysIsEmpty() {
        Green.run(() -> {
            DagPool<String, Integer> pool = new DagPool<>();
            Iterator<Map.Entry<String, Integer>> each = withoutSuspending(() -> pool.waitEach(List.of()));
            assertFalse(each.hasNext());
            assertThrows(NoSuchElementException.class, each::next);
            assertEquals(Map.of(), pool.wait(List.of()));
        });
    }

    @Test
    void waitEachDeliversPreloadedValuesInPostingOrderWithoutWaiting() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>(ordered("a", "1", "b", "2", "c", "3"));
            assertEquals(List.of("a", "b", "c"), withoutSuspending(() -> keysOf(pool.waitEach(List.of("c", "b", "a", "b")))));
            assertEquals(Map.of("b", "2", "c", "3"), withoutSuspending(() -> pool.wait(Set.of("b", "c"))));
            assertEquals(List.of("a", "b", "c"), List.copyOf(pool.keys()));
        });
    }

    @Test
    void waitEachDeliversPostedValuesAsTheyCome() {
        Green.run(() -> {
            Capture capture = new Capture();
            DagPool<String, String> pool = new DagPool<>(ordered("a", "1", "b", "2", "c", "3"));
            Green.spawn(() -> {   // dagpool_test.post_each
                Green.sleep();
                capture.step();
                pool.post("g", "gval");
                pool.post("f", "fval");
                Green.sleep();
                capture.step();
                pool.post("e", "eval");
                pool.post("d", "dval");
            });
            List<String> order = new ArrayList<>();
            for (Iterator<Map.Entry<String, String>> it = pool.waitEach(List.of("b", "c", "d", "e", "f", "g")); it.hasNext(); ) {
                Map.Entry<String, String> e = it.next();
                capture.add("got (" + e.getKey() + ", " + e.getValue() + ")");
                order.add(e.getKey());
            }
            capture.validate(List.of(Set.of("got (b, 2)", "got (c, 3)"),
                    Set.of("got (f, fval)", "got (g, gval)"),
                    Set.of("got (d, dval)", "got (e, eval)")));
            assertEquals(List.of("b", "c", "g", "f", "e", "d"), order); // posting order
        });
    }

    @Test
    void waitReturnsOnceTheLastKeyIsPosted() {
        Green.run(() -> {
            Capture capture = new Capture();
            DagPool<String, String> pool = new DagPool<>(ordered("a", "1", "b", "2", "c", "3"));
            Green.spawn(() -> {
                Green.sleep();
                capture.step();
                pool.post("g", "gval");
                pool.post("f", "fval");
                Green.sleep();
                capture.step();
                pool.post("e", "eval");
                pool.post("d", "dval");
            });
            Map<String, String> got = pool.wait(List.of("b", "c", "d", "e", "f", "g"));
            capture.add("got all");
            assertEquals(Map.of("b", "2", "c", "3", "d", "dval", "e", "eval", "f", "fval", "g", "gval"), got);
            assertEquals(List.of("b", "c", "g", "f", "e", "d"), List.copyOf(got.keySet()));
            capture.validate(List.of(Set.of(), Set.of(), Set.of("got all")));
        });
    }

    @Test
    void aWaitEndedByATimeoutLosesNothing() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>();
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                pool.wait(List.of("a"));
                fail("a has no value");
            } catch (TimeoutExpired expected) {
                // no value yet
            }
            Iterator<Map.Entry<String, String>> each = pool.waitEach(List.of("a"));
            assertThrows(TimeoutExpired.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                    each.next();
                }
            });
            assertTrue(each.hasNext());
            GreenThread<String> waiter = Green.spawn(() -> pool.wait(List.of("a")).get("a"));
            Green.sleep();
            pool.post("a", "x");
            assertEquals("x", waiter.await());
            assertEquals(Map.entry("a", "x"), each.next());
            assertFalse(each.hasNext());
        });
    }

    @Test
    void nullValuesAreValues() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>();
            pool.spawn("a", Set.of(), (key, in) -> null);
            pool.spawn("b", Set.of("a"), (key, in) -> in.containsKey("a") ? "a was " + in.get("a") : "no a");
            assertEquals(Map.of("b", "a was null"), pool.wait(List.of("b")));
            assertNull(pool.get("a"));
            assertEquals(Set.of("a", "b"), pool.keys());
            assertThrows(Collision.class, () -> pool.post("a", "again"));
        });
    }

    @Test
    void nullKeysAreRejected() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>();
            assertThrows(NullPointerException.class, () -> pool.post(null, "v"));
            assertThrows(NullPointerException.class, () -> pool.spawn(null, Set.of(), (k, in) -> "v"));
            assertThrows(NullPointerException.class, () -> pool.spawn("a", Collections.singleton(null), (k, in) -> "v"));
            assertThrows(NullPointerException.class, () -> pool.wait(Collections.singletonList(null)));
            assertThrows(NullPointerException.class, () -> new DagPool<String, String>(Collections.singletonMap(null, "v")));
            assertEquals(0, pool.running());
            pool.spawn("a", Set.of(), (k, in) -> "v");   // the failed spawn left no trace
            assertEquals("v", pool.wait(List.of("a")).get("a"));
        });
    }

    // ---- spawn ------------------------------------------------------------------------------

    @Test
    void aThreadRunsWithItsDependenciesValues() {
        Green.run(() -> {
            DagPool<String, Integer> pool = new DagPool<>(Map.of("a", 1));
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            pool.spawn("c", Set.of("a", "b"), (key, in) -> {
                seen.add(key + in);
                return in.get("a") + in.get("b");
            });
            pool.spawn("b", Set.of("a"), (key, in) -> {
                seen.add(key + in);
                return in.get("a") + 1;
            });
            assertEquals(Map.of("c", 3), pool.wait(List.of("c")));
            assertEquals(List.of("b{a=1}", "c{a=1, b=2}"), seen);
            assertEquals(Map.of("a", 1, "b", 2, "c", 3), pool.items());
        });
    }

    @Test
    void spawnedThreadsRunAsTheirDependenciesArrive() {
        Green.run(() -> {   // dagpool_test.test_spawn_multiple
            Capture capture = new Capture();
            DagPool<String, String> pool = new DagPool<>(ordered("a", "1", "b", "2", "c", "3"));
            Map<String, Event<String>> events = new HashMap<>();
            for (String k : List.of("d", "e", "f", "g")) {
                events.put(k, new Event<>());
                pool.spawn(k, Set.of(), observe(capture, events.get(k)));
            }
            events.put("h", new Event<>());
            events.get("h").send("hval");   // only the dependencies hold h back
            List<String> hGot = new ArrayList<>();
            BiFunction<String, Map<String, String>, String> observeH = observe(capture, events.get("h"));
            pool.spawn("h", Set.of("b", "c", "d", "e", "f", "g"), (key, in) -> {
                hGot.addAll(in.keySet());
                return observeH.apply(key, in);
            });

            spin();
            capture.step();
            for (String k : List.of("d", "e", "f", "g", "h")) {
                assertNull(pool.get(k));
            }
            assertEquals(Set.of("a", "b", "c"), pool.keys());
            assertEquals(Map.of("a", "1", "b", "2", "c", "3"), pool.items());
            assertEquals(5, pool.running());
            assertEquals(1, pool.waiting());
            assertEquals(Map.of("h", Set.of("d", "e", "f", "g")), pool.waitingFor());

            events.get("f").send("fval");
            spin();
            capture.step();
            assertEquals("fval", pool.get("f"));
            assertEquals(Set.of("a", "b", "c", "f"), pool.keys());
            assertEquals(Map.of("a", "1", "b", "2", "c", "3", "f", "fval"), pool.items());
            assertEquals(4, pool.running());
            assertEquals(1, pool.waiting());
            assertEquals(Map.of("h", Set.of("d", "e", "g")), pool.waitingFor());

            events.get("e").send("eval");
            events.get("g").send("gval");
            spin();
            capture.step();
            assertEquals("eval", pool.get("e"));
            assertEquals("gval", pool.get("g"));
            assertEquals(Set.of("a", "b", "c", "e", "f", "g"), pool.keys());
            assertEquals(2, pool.running());
            assertEquals(1, pool.waiting());
            assertEquals(Map.of("h", Set.of("d")), pool.waitingFor());

            events.get("d").send("dval");
            spin();
            capture.step();
            assertEquals("dval", pool.get("d"));
            assertEquals("hval", pool.get("h"));
            assertEquals(Map.of("a", "1", "b", "2", "c", "3", "d", "dval", "e", "eval", "f", "fval", "g", "gval", "h", "hval"),
                    pool.items());
            assertEquals(0, pool.running());
            assertEquals(0, pool.waiting());
            assertEquals(Map.of(), pool.waitingFor());
            // h's function runs once all its dependencies are there (Eventlet's reads them as they come)
            capture.validate(List.of(Set.of(),
                    Set.of("f returning fval"),
                    Set.of("e returning eval", "g returning gval"),
                    Set.of("d returning dval", "h got [b, c, d, e, f, g]", "h returning hval"),
                    Set.of()));
            assertEquals(List.of("b", "c", "f"), hGot.subList(0, 3));   // in posting order
            assertEquals(Set.of("e", "g"), Set.copyOf(hGot.subList(3, 5)));
            assertEquals("d", hGot.get(5));
        });
    }

    @Test
    void threadsPostingTheirOwnKeysRunInDependencyOrder() {
        Green.run(() -> {   // dagpool_test.test_spawn_many: a -> b, c -> d (b, c) -> e (c, d)
            Capture capture = new Capture();
            DagPool<String, String> pool = new DagPool<>();
            GreenThread<Void> waiter = Green.spawn(() -> {
                pool.waitAll();
                capture.add("waitAll done");
            });
            Map<String, Set<String>> deps = ordered("e", Set.of("c", "d"), "d", Set.of("b", "c"),
                    "c", Set.of("a"), "b", Set.of("a"), "a", Set.of());
            deps.forEach((key, dependsOn) -> pool.spawn(key, dependsOn, (k, in) -> {
                capture.add(k + " done");
                pool.post(k, k);   // its own key: the result below is dropped
                capture.step();
                spin();
                return "dropped";
            }));
            waiter.await();
            assertEquals("e", pool.get("e"));
            assertEquals(Map.of("a", "a", "b", "b", "c", "c", "d", "d", "e", "e"), pool.items());
            List<Set<String>> seq = new ArrayList<>(capture.sequence);
            Set<String> bc = new HashSet<>(seq.get(1));
            bc.addAll(seq.remove(2));
            seq.set(1, bc);
            assertEquals(List.of(Set.of("a done"), Set.of("b done", "c done"), Set.of("d done"), Set.of("e done"),
                    Set.of("waitAll done")), seq);
        });
    }

    @Test
    void waitEachFollowsAChainOneKeyAtATime() {
        Green.run(() -> {   // dagpool_test.test_wait_each_all
            DagPool<String, String> pool = new DagPool<>(Map.of("a", "a"));
            List<String> keys = List.of("a", "b", "c", "d", "e");
            Map<String, Event<String>> events = new HashMap<>();
            for (int i = 1; i < keys.size(); i++) {
                String key = keys.get(i);
                events.put(key, new Event<>());
                pool.spawn(key, Set.of(keys.get(i - 1)), (k, in) -> events.get(k).await());
            }
            Iterator<Map.Entry<String, String>> each = pool.waitEach(keys);
            for (int pos = 0; pos < keys.size(); pos++) {
                Map.Entry<String, String> e = each.next();
                assertEquals(Map.entry(keys.get(pos), keys.get(pos)), e);
                spin();
                assertEquals(Set.copyOf(keys.subList(0, pos + 1)), pool.keys(), "after " + e.getKey());
                if (pos < keys.size() - 1) {
                    String next = keys.get(pos + 1);
                    events.get(next).send(next);
                }
            }
            assertFalse(each.hasNext());
        });
    }

    @Test
    void aLargeGraphSpawnedBackwardsComputesForwards() {
        Green.run(() -> {
            int n = 500;
            DagPool<Integer, Long> pool = new DagPool<>(ordered(0, 0L, 1, 1L));
            for (int i = n - 1; i >= 2; i--) {   // each key waits for the two before it
                int k = i;
                pool.spawn(k, Set.of(k - 1, k - 2), (key, in) -> (in.get(key - 1) + in.get(key - 2)) % 1_000_000_007L);
            }
            assertEquals(n - 2, pool.running());
            long a = 0, b = 1;
            for (int i = 2; i < n; i++) {
                long c = (a + b) % 1_000_000_007L;
                a = b;
                b = c;
            }
            assertEquals(Map.of(n - 1, b), pool.wait(List.of(n - 1)));
            List<Integer> order = new ArrayList<>();
            pool.waitEach(pool.keys()).forEachRemaining(e -> order.add(e.getKey()));
            for (int i = 0; i < n; i++) {
                assertEquals(i, order.get(i));   // posted in dependency order
            }
            assertEquals(0, pool.running());
        });
    }

    @Test
    void aSpawnedThreadStartsAtTheSpawnersNextYield() {
        Green.run(() -> {   // dagpool_test.test_getitem
            Capture capture = new Capture();
            DagPool<String, Integer> pool = new DagPool<>();
            Green.spawn(() -> capture.add("got " + pool.wait(List.of("a")).get("a")));
            capture.validate(List.of(Set.of()));
            pool.spawn("a", Set.of(), (key, in) -> 1);
            assertEquals(1, pool.running());
            assertNull(pool.get("a"));
            capture.validate(List.of(Set.of()));
            spin();
            capture.validate(List.of(Set.of("got 1")));
            assertEquals(0, pool.running());
        });
    }

    @Test
    void aPostedKeyUnblocksASpawnedFunction() {
        Green.run(() -> {
            DagPool<String, Integer> pool = new DagPool<>();
            AtomicInteger calls = new AtomicInteger();
            pool.spawn("double", Set.of("input"), (key, in) -> {
                calls.incrementAndGet();
                return 2 * in.get("input");
            });
            spin();
            assertEquals(0, calls.get());
            assertEquals(1, pool.waiting());
            assertEquals(Map.of("double", Set.of("input")), pool.waitingFor());
            Green.spawn(() -> pool.post("input", 21));
            assertEquals(Map.of("double", 42), pool.wait(List.of("double")));
            assertEquals(1, calls.get());
            assertEquals(0, pool.waiting());
        });
    }

    @Test
    void worksFromPlainThreadsAndAcrossHubs() throws Exception {
        DagPool<String, Integer> pool = new DagPool<>(Map.of("one", 1));
        pool.spawn("sum", Set.of("one", "two"), (key, in) -> in.get("one") + in.get("two"));   // on the default hub
        Thread poster = new Thread(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            pool.post("two", 2);
        });
        poster.start();
        assertEquals(Map.of("sum", 3), pool.wait(List.of("sum")));
        poster.join();
        assertEquals(Map.of("one", 1, "two", 2, "sum", 3), pool.waitAll());
        pool.spawn("more", Set.of("sum", "late"), (key, in) -> in.get("sum") + in.get("late"));
        assertEquals(Map.of("more", 13), Green.run(() -> {   // another hub posts and waits
            Green.sleep(Duration.ofMillis(10));
            pool.post("late", 10);
            return pool.wait(Set.of("more"));
        }));
    }

    // ---- Collision --------------------------------------------------------------------------

    @Test
    void spawningAKeyThatHasAValueOrAThreadCollides() {
        Green.run(() -> {
            DagPool<String, String> preloaded = new DagPool<>(Map.of("a", "1"));
            assertEquals("a", assertThrows(Collision.class, () -> preloaded.spawn("a", Set.of(), (k, in) -> null)).key());

            DagPool<String, String> posted = new DagPool<>();
            posted.post("a", "aval");
            assertThrows(Collision.class, () -> posted.spawn("a", Set.of(), (k, in) -> null));

            DagPool<String, String> pool = new DagPool<>();
            pool.spawn("a", Set.of(), (k, in) -> "aval");
            assertNull(pool.get("a"));   // not started yet
            Collision c = assertThrows(Collision.class, () -> pool.spawn("a", Set.of(), (k, in) -> "bad"));
            assertTrue(c.getMessage().contains("a"), c.getMessage());
            spin();
            assertEquals("aval", pool.get("a"));
            assertThrows(Collision.class, () -> pool.spawn("a", Set.of(), (k, in) -> "badagain"));
        });
    }

    @Test
    void postingAKeyTwiceOrAKeyWithAThreadCollides() {
        Green.run(() -> {
            assertThrows(Collision.class, () -> new DagPool<>(Map.of("a", 1)).post("a", 2));
            DagPool<String, Integer> twice = new DagPool<>();
            twice.post("a", 1);
            assertThrows(Collision.class, () -> twice.post("a", 2));
            assertEquals(1, twice.get("a"));

            DagPool<String, Integer> pool = new DagPool<>();
            pool.spawn("a", Set.of(), (k, in) -> 1);
            assertThrows(Collision.class, () -> pool.post("a", 2));   // not started yet
            assertTrue(pool.kill("a"));
            pool.post("a", 3);
            assertEquals(3, pool.get("a"));

            DagPool<String, Integer> ran = new DagPool<>();
            ran.spawn("a", Set.of(), (k, in) -> 4);
            spin();
            assertThrows(Collision.class, () -> ran.post("a", 5));
            assertFalse(ran.kill("a"));
            assertThrows(Collision.class, () -> ran.post("a", 6));
            assertEquals(4, ran.get("a"));
        });
    }

    @Test
    void aThreadMayPostItsOwnKeyButNoOtherThreadMay() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>();
            Event<Void> go = new Event<>();
            pool.spawn("a", Set.of(), (key, in) -> {
                go.await();
                pool.post(key, "posted");
                assertThrows(Collision.class, () -> pool.post(key, "twice"));
                return "returned";
            });
            spin();
            assertThrows(Collision.class, () -> pool.post("a", "outsider"));
            go.send(null);
            assertEquals(Map.of("a", "posted"), pool.wait(List.of("a")));
            spin();
            assertEquals(0, pool.running());
            assertEquals("posted", pool.get("a"));
        });
    }

    // ---- kill -------------------------------------------------------------------------------

    @Test
    void killForgetsTheThread() {
        Green.run(() -> {   // dagpool_test.test_kill
            DagPool<String, Integer> pool = new DagPool<>();
            assertFalse(pool.kill("a"));
            AtomicInteger ran = new AtomicInteger();
            pool.spawn("a", Set.of(), (k, in) -> ran.incrementAndGet());
            assertTrue(pool.kill("a"));   // before it could run
            spin();
            assertEquals(0, ran.get());
            assertNull(pool.get("a"));
            assertEquals(Set.of(), pool.keys());
            assertFalse(pool.kill("a"));
            pool.spawn("a", Set.of(), (k, in) -> 2);
            spin();
            assertFalse(pool.kill("a"));
            assertEquals(2, pool.get("a"));
        });
    }

    @Test
    void killingAWaitingOrRunningThreadPostsNothing() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>();
            AtomicInteger calls = new AtomicInteger();
            pool.spawn("b", Set.of("a"), (k, in) -> "b" + calls.incrementAndGet());
            pool.spawn("c", Set.of(), (k, in) -> new Event<String>().await());   // never returns
            spin();
            assertEquals(2, pool.running());
            assertEquals(Map.of("b", Set.of("a")), pool.waitingFor());
            assertTrue(pool.kill("b"));
            assertTrue(pool.kill("c"));
            assertEquals(0, pool.running());
            assertEquals(Map.of(), pool.waitingFor());
            pool.post("a", "aval");
            spin();
            assertEquals(0, calls.get());
            assertEquals(Set.of("a"), pool.keys());
            pool.post("c", "cval");   // free again
            pool.spawn("b", Set.of("a"), (k, in) -> "b again");
            assertEquals(Map.of("a", "aval", "b", "b again", "c", "cval"), pool.waitAll());
        });
    }

    // ---- PropagateError ---------------------------------------------------------------------

    @Test
    void aFailureIsThrownToWhoeverWaitsForIt() {
        Green.run(() -> {   // dagpool_test.test_waitall_exc
            DagPool<String, String> pool = new DagPool<>();
            pool.spawn("a", Set.of(), (k, in) -> {
                throw new BogusError("bogus");
            });
            PropagateError err = assertThrows(PropagateError.class, pool::waitAll);
            assertEquals("a", err.key());
            assertInstanceOf(BogusError.class, err.getCause());
            assertEquals("bogus", err.getCause().getMessage());
            assertTrue(err.getMessage().contains("a"), err.getMessage());
            assertTrue(err.getMessage().contains("BogusError"), err.getMessage());
            assertTrue(err.getMessage().contains("bogus"), err.getMessage());
            assertSame(err, assertThrows(PropagateError.class, () -> pool.get("a")));
            assertSame(err, assertThrows(PropagateError.class, () -> pool.wait(List.of("a"))));
            assertSame(err, assertThrows(PropagateError.class, pool::items));
            assertEquals(Set.of("a"), pool.keys());
            assertThrows(Collision.class, () -> pool.post("a", "fixed"));
        });
    }

    @Test
    void aFailureTravelsDownstreamNestedOncePerStep() {
        Green.run(() -> {   // dagpool_test.test_propagate_exc
            DagPool<String, Boolean> pool = new DagPool<>();
            AtomicInteger consumed = new AtomicInteger();
            pool.spawn("a", Set.of(), (k, in) -> {
                throw new BogusError("bogus");
            });
            pool.spawn("b", Set.of("a"), (k, in) -> consumed.incrementAndGet() > 0);
            pool.spawn("c", Set.of("b"), (k, in) -> consumed.incrementAndGet() > 0);
            PropagateError errc = assertThrows(PropagateError.class, () -> pool.wait(List.of("c")));
            assertEquals("c", errc.key());
            PropagateError errb = assertInstanceOf(PropagateError.class, errc.getCause());
            assertEquals("b", errb.key());
            PropagateError erra = assertInstanceOf(PropagateError.class, errb.getCause());
            assertEquals("a", erra.key());
            assertInstanceOf(BogusError.class, erra.getCause());
            assertEquals("bogus", erra.getCause().getMessage());
            for (String s : List.of("key a", "key b", "key c", "BogusError", "bogus")) {
                assertTrue(errc.getMessage().contains(s), errc.getMessage());
            }
            assertEquals(0, consumed.get());   // downstream functions never ran
            assertSame(erra, assertThrows(PropagateError.class, () -> pool.get("a")));
            assertSame(errb, assertThrows(PropagateError.class, () -> pool.get("b")));
            assertEquals(0, pool.running());
        });
    }

    @Test
    void aThreadWithAFailedDependencyFailsWithoutWaitingForTheOthers() {
        Green.run(() -> {
            DagPool<String, String> pool = new DagPool<>();
            pool.spawn("c", Set.of("a", "never"), (k, in) -> "unreachable");
            pool.spawn("a", Set.of(), (k, in) -> {
                throw new BogusError("bogus");
            });
            PropagateError errc = assertThrows(PropagateError.class, () -> pool.wait(List.of("c")));
            assertEquals("a", ((PropagateError) errc.getCause()).key());
            assertEquals(Map.of(), pool.waitingFor());
        });
    }

    @Test
    void waitEachThrowsForAFailedKeyAndGoesOn() {
        Green.run(() -> {   // dagpool_test.test_wait_each_exc
            DagPool<String, String> pool = new DagPool<>();
            pool.spawn("a", Set.of(), (k, in) -> {
                throw new BogusError("bogus");
            });
            Iterator<Map.Entry<String, String>> each = pool.waitEach(List.of("a", "b"));
            assertEquals("a", assertThrows(PropagateError.class, each::next).key());
            assertTrue(each.hasNext());
            pool.post("b", "bval");
            assertEquals(Map.entry("b", "bval"), each.next());
            assertFalse(each.hasNext());

            assertThrows(PropagateError.class, () -> keysOf(pool.waitEach(List.of("b", "a"))));
            Iterator<Map.Entry<String, String>> again = pool.waitEach(List.of("b", "a"));
            assertEquals("a", assertThrows(PropagateError.class, again::next).key());   // posted first
            assertEquals("b", again.next().getKey());
        });
    }
}
