package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.greenhub.sync.Event;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class GreenPileTest {

    @Test
    void resultsInSpawnOrderFromFastAndSlowTasks() {
        Green.run(() -> {
            GreenPile<Integer> pile = new GreenPile<>();
            for (int i = 0; i < 10; i++) {
                int v = i;
                pile.spawn(() -> {
                    Green.sleep(Duration.ofMillis(v % 2 == 0 ? 20 - v : 0));
                    return v;
                });
            }
            assertEquals(10, pile.size());
            List<Integer> out = new ArrayList<>();
            for (int v : pile) {
                out.add(v);
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), out);
            assertEquals(0, pile.size());
        });
    }

    @Test
    void emptyPileIteratesAsEmpty() {
        Green.run(() -> {
            GreenPile<String> pile = new GreenPile<>(5);
            assertFalse(pile.hasNext());
            int n = 0;
            for (String s : pile) {
                n++;
            }
            assertEquals(0, n);
        });
    }

    @Test
    void exceptionRethrownAtItsPosition() {
        Green.run(() -> {
            GreenPile<Integer> pile = new GreenPile<>(2);
            pile.spawn(() -> 1);
            pile.spawn(() -> { throw new IllegalStateException("two"); });
            pile.spawn(() -> { throw new java.io.IOException("three"); });
            pile.spawn(() -> 4);
            assertEquals(1, pile.next());
            assertEquals("two", assertThrows(IllegalStateException.class, pile::next).getMessage());
            assertEquals("three", assertThrows(GreenException.class, pile::next).getCause().getMessage());
            assertEquals(4, pile.next());
            assertFalse(pile.hasNext());
        });
    }

    @Test
    void spawnTimingOutOnAFullPoolIsRolledBack() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            GreenPile<Integer> pile = new GreenPile<>(pool);
            Event<Void> go = new Event<>();
            pile.spawn(() -> { go.await(); return 1; });
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                pile.spawn(() -> 2);
                fail("the pool is full");
            } catch (TimeoutExpired expected) {
                // rolled back
            }
            assertEquals(1, pile.size());
            assertEquals(0, pool.waiting());
            go.send(null);
            pile.spawn(() -> 3);
            List<Integer> out = new ArrayList<>();
            pile.forEach(out::add);
            assertEquals(List.of(1, 3), out);
        });
    }

    @Test
    void readerInterruptedWhileWaitingLeavesTheResultInThePile() {
        Green.run(() -> {
            GreenPile<Integer> pile = new GreenPile<>();
            Event<Void> go = new Event<>();
            pile.spawn(() -> { go.await(); return 1; });
            pile.spawn(() -> 2);
            assertEquals(-1, Green.withTimeout(Duration.ofMillis(10), pile::next, -1));
            assertEquals(2, pile.size());
            go.send(null);
            assertEquals(1, pile.next());
            assertEquals(2, pile.next());
        });
    }

    @Test
    void threeProducersWithRandomSleepsAndExceptionsComeOutOrdered() {
        Green.run(() -> {
            GreenPile<int[]> pile = new GreenPile<>(new GreenPool(100));
            int perProducer = 1000;
            List<GreenThread<Void>> producers = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                int producer = p;
                producers.add(Green.spawn(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int idx = i;
                        pile.spawn(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            if (r.nextInt(4) == 0) {
                                Green.sleep(Duration.ofMillis(r.nextInt(3)));
                            } else {
                                Green.sleep();
                            }
                            if (idx % 5 == 2) {
                                throw new IllegalArgumentException(producer + ":" + idx);
                            }
                            return new int[] {producer, idx};
                        });
                    }
                }));
            }
            for (GreenThread<Void> p : producers) {
                p.await();
            }
            int[] next = new int[3];
            int failures = 0;
            while (pile.hasNext()) {
                int producer;
                int idx;
                try {
                    int[] r = pile.next();
                    producer = r[0];
                    idx = r[1];
                } catch (IllegalArgumentException e) {
                    String[] parts = e.getMessage().split(":");
                    producer = Integer.parseInt(parts[0]);
                    idx = Integer.parseInt(parts[1]);
                    failures++;
                }
                // each producer's results come strictly in the order it spawned them
                assertEquals(next[producer], idx);
                next[producer] = idx + 1;
            }
            assertArrayEquals(new int[] {perProducer, perProducer, perProducer}, next);
            assertEquals(3 * perProducer / 5, failures);
        });
    }
}
