package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.greenhub.queue.LightQueue;
import org.greenhub.sync.Event;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class TimeoutTest {

    @Test
    void firesAtTheNextBlockingPointOfItsThread() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            Timeout t = Timeout.start(Duration.ofMillis(10));
            assertTrue(t.isPending());
            long end = System.nanoTime() + Duration.ofMillis(30).toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // no blocking point: nothing is thrown here
            }
            log.add("still running");
            TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.sleep(Duration.ofSeconds(5)));
            assertSame(t, e.timeout());
            assertFalse(t.isPending());
            assertEquals(List.of("still running"), log);
            t.cancel();
        });
    }

    @Test
    void onlyTheThreadThatStartedItIsInterrupted() {
        Green.run(() -> {
            Event<String> e = new Event<>();
            GreenThread<String> other = Green.spawn(() -> e.await());
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                assertThrows(TimeoutExpired.class, () -> Green.sleep(Duration.ofSeconds(5)));
            }
            assertFalse(other.isDone());
            e.send("fine");
            assertEquals("fine", other.await());
        });
    }

    @Test
    void zeroFiresAtTheNextBlockingPoint() {
        Green.run(() -> {
            Timeout t = Timeout.start(Duration.ZERO);
            int x = 1 + 1; // not a blocking point
            assertEquals(2, x);
            assertThrows(TimeoutExpired.class, Green::sleep);
            t.cancel();
        });
    }

    @Test
    void nullNeverFires() {
        Green.run(() -> {
            try (Timeout t = Timeout.start(null)) {
                assertFalse(t.isPending());
                Green.sleep(Duration.ofMillis(30));
            }
        });
    }

    @Test
    void cancelledTimeoutDoesNotFire() {
        Green.run(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                Green.sleep();
            }
            Green.sleep(Duration.ofMillis(40));
        });
    }

    @Test
    void customException() {
        Green.run(() -> {
            IllegalStateException mine = new IllegalStateException("mine");
            try (Timeout t = Timeout.start(Duration.ofMillis(5), mine)) {
                assertSame(mine, assertThrows(IllegalStateException.class, () -> Green.sleep(Duration.ofSeconds(5))));
            }
        });
    }

    @Test
    void nestedTimeoutsAreIndependent() {
        Green.run(() -> {
            // inner expires first
            try (Timeout outer = Timeout.start(Duration.ofSeconds(5))) {
                try (Timeout inner = Timeout.start(Duration.ofMillis(10))) {
                    TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.sleep(Duration.ofSeconds(5)));
                    assertSame(inner, e.timeout());
                }
                assertTrue(outer.isPending());
                Green.sleep(Duration.ofMillis(5)); // the outer one is still armed and quiet
            }
            // outer expires first
            try (Timeout outer = Timeout.start(Duration.ofMillis(10))) {
                try (Timeout inner = Timeout.start(Duration.ofSeconds(5))) {
                    TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.sleep(Duration.ofSeconds(5)));
                    assertSame(outer, e.timeout());
                    assertTrue(inner.isPending());
                }
            }
        });
    }

    /**
     * Both fire while the thread runs without a blocking point, so the outer one fires
     * while the inner one's exception waits to be thrown: it is thrown next, not lost;
     * and cancelling it before then withdraws it.
     */
    @Test
    void anOuterTimeoutFiringWhileAnInnerOnesExceptionWaitsIsThrownNext() {
        Green.run(() -> {
            try (Timeout outer = Timeout.start(Duration.ofMillis(30))) {
                try (Timeout inner = Timeout.start(Duration.ofMillis(10))) {
                    runWithoutBlocking(Duration.ofMillis(60));
                    TimeoutExpired e = assertThrows(TimeoutExpired.class, Green::sleep); // both timers fire here
                    assertSame(inner, e.timeout());
                }
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.sleep(Duration.ofSeconds(5)));
                assertSame(outer, e.timeout(), "the outer timeout was not lost");
            }
            try (Timeout outer = Timeout.start(Duration.ofMillis(30))) {
                try (Timeout inner = Timeout.start(Duration.ofMillis(10))) {
                    runWithoutBlocking(Duration.ofMillis(60));
                    assertSame(inner, assertThrows(TimeoutExpired.class, Green::sleep).timeout());
                }
                outer.cancel();
                Green.sleep(Duration.ofMillis(20)); // withdrawn: nothing is thrown
            }
        });
    }

    private static void runWithoutBlocking(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void withTimeoutReturnsFallbackOnlyForItsOwnTimeout() {
        Green.run(() -> {
            assertEquals("late", Green.withTimeout(Duration.ofMillis(10), () -> {
                Green.sleep(Duration.ofSeconds(5));
                return "done";
            }, "late"));
            assertEquals("done", Green.withTimeout(Duration.ofSeconds(5), () -> "done", "late"));
            assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(10), () -> {
                Green.sleep(Duration.ofSeconds(5));
                return "done";
            }));
            try (Timeout outer = Timeout.start(Duration.ofMillis(10))) {
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofSeconds(5), () -> {
                    Green.sleep(Duration.ofSeconds(5));
                    return "done";
                }, "late"));
                assertSame(outer, e.timeout());
            }
        });
    }

    @Test
    void timeoutInterruptsEveryPrimitive() {
        Green.run(() -> {
            LightQueue<Integer> q = new LightQueue<>(0);
            assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(5), () -> q.get()));
            assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(5), () -> { q.put(1); return null; }));
            assertEquals(0, q.getting());
            assertEquals(0, q.putting());
            assertNull(q.poll());
            GreenThread<Void> forever = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(5), forever::await));
            forever.kill();
        });
    }

    @Test
    void timeoutOnAPlainThread() {
        try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
            TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> new Event<String>().await());
            assertSame(t, e.timeout());
        }
    }
}
