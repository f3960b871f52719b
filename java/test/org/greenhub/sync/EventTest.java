package org.greenhub.sync;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.greenhub.Green;
import org.greenhub.GreenException;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.Timeout;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class EventTest {

    @Test
    void sendWakesEveryWaiterAndNeverYieldsTheSender() {
        Green.run(() -> {
            Event<String> e = new Event<>();
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            List<GreenThread<?>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int id = i;
                waiters.add(Green.spawn(() -> log.add(id + ":" + e.await())));
            }
            Green.sleep();
            assertFalse(e.ready());
            e.send("v");
            log.add("sender goes on");      // no waiter ran in between
            assertTrue(e.ready());
            for (GreenThread<?> w : waiters) {
                w.await();
            }
            assertEquals("sender goes on", log.get(0));
            assertEquals(List.of("0:v", "1:v", "2:v"), log.subList(1, 4));
            assertEquals("v", e.await()); // already sent: returns at once
        });
    }

    @Test
    void secondSendThrowsUntilReset() {
        Green.run(() -> {
            Event<Integer> e = new Event<>();
            e.send(1);
            assertThrows(IllegalStateException.class, () -> e.send(2));
            assertThrows(IllegalStateException.class, () -> e.sendException(new RuntimeException()));
            assertEquals(1, e.await());
            e.reset();
            assertFalse(e.ready());
            e.send(2);
            assertEquals(2, e.await());
        });
    }

    @Test
    void waiterWokenBySendGetsThatValueEvenAfterReset() {
        Green.run(() -> {
            Event<Integer> e = new Event<>();
            GreenThread<Integer> w = Green.spawn(() -> e.await());
            Green.sleep();
            e.send(1);
            e.reset();
            assertEquals(1, w.await());
        });
    }

    @Test
    void sendExceptionMakesEveryAwaitThrow() {
        Green.run(() -> {
            Event<String> e = new Event<>();
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            GreenThread<String> a = Green.spawn(() -> e.await());
            GreenThread<String> b = Green.spawn(() -> e.await());
            Green.sleep();
            e.sendException(boom);
            assertSame(boom, assertThrows(IllegalArgumentException.class, a::await));
            assertSame(boom, assertThrows(IllegalArgumentException.class, b::await));
            assertSame(boom, assertThrows(IllegalArgumentException.class, e::await));

            Event<String> c = new Event<>();
            IOException io = new IOException("io");
            c.sendException(io);
            assertSame(io, assertThrows(GreenException.class, c::await).getCause());
        });
    }

    @Test
    void awaitWithTimeoutThrowsTimeoutExpired() {
        Green.run(() -> {
            Event<String> e = new Event<>();
            assertThrows(TimeoutExpired.class, () -> e.await(Duration.ofMillis(10)));
            e.send("x");
            assertEquals("x", e.await(Duration.ofMillis(10)));
        });
    }

    @Test
    void killAndTimeoutInterruptAwait() {
        Green.run(() -> {
            Event<String> e = new Event<>();
            GreenThread<String> w = Green.spawn(() -> e.await());
            Green.sleep();
            w.kill();
            assertThrows(GreenThreadExit.class, w::await);
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                e.await();
                fail("should time out");
            } catch (TimeoutExpired expected) {
                // fine
            }
            GreenThread<String> w2 = Green.spawn(() -> e.await());
            Green.sleep();
            e.send("ok");
            assertEquals("ok", w2.await());
        });
    }

    @Test
    void plainThreadWaitsForGreenSender() throws Exception {
        Event<String> e = new Event<>();
        Thread hub = new Thread(() -> Green.run(() -> {
            Green.sleep(Duration.ofMillis(20));
            e.send("hi");
        }));
        hub.start();
        assertEquals("hi", e.await(Duration.ofSeconds(10)));
        hub.join(10_000);
    }
}
