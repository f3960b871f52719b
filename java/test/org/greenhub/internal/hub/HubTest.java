package org.greenhub.internal.hub;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.greenhub.Green;
import org.greenhub.hub.Hubs;
import org.greenhub.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub loop: timers, thread-safe scheduling with wake-up, selection. */
@Timeout(30)
class HubTest {

    @Test
    void timersFireInDeadlineOrderWithTiesInSchedulingOrder() {
        List<String> fired = new ArrayList<>();
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            long base = System.nanoTime() + Duration.ofMillis(20).toNanos();
            hub.scheduleAt(base + 2_000_000, () -> fired.add("late"));
            hub.scheduleAt(base, () -> fired.add("tie-1"));
            hub.scheduleAt(base, () -> fired.add("tie-2"));
            hub.scheduleAt(base - 1_000_000, () -> fired.add("early"));
            hub.scheduleAt(base, () -> fired.add("tie-3"));
            Green.sleep(Duration.ofMillis(60));
        });
        assertEquals(List.of("early", "tie-1", "tie-2", "tie-3", "late"), fired);
    }

    @Test
    void theRunQueueLengthCountsEachDeferredSpawnOnce() {
        // spawnN's threads wait in the run queue as their bodies, batched behind one entry
        int[] seen = new int[3];
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            int before = hub.queued();
            for (int i = 0; i < 5; i++) {
                Green.spawnN(() -> { });
            }
            seen[0] = hub.queued() - before;
            Green.spawn(() -> { });
            Green.spawnN(() -> { });
            seen[1] = hub.queued() - before;
            Green.sleep();
            Green.sleep();
            seen[2] = hub.queued();
        });
        assertArrayEquals(new int[] {5, 7, 0}, seen);
    }

    @Test
    void aDeferredSpawnMadeWhileItsBatchRunsGoesToANewBatch() {
        // A timer callback's deferred spawn opens a batch that the same pass runs; a spawn
        // with the same maker made while that batch runs must not be counted into it.
        List<String> log = new ArrayList<>();
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            HubLoop.DeferredSpawn how = new HubLoop.DeferredSpawn() {
                @Override
                public void start(HubLoop h, Object body) {
                    log.add((String) body);
                    if (body.equals("first")) {
                        h.submitDeferred(this, "second");
                    }
                }
            };
            hub.scheduleAt(System.nanoTime(), () -> hub.submitDeferred(how, "first"));
            Green.sleep(Duration.ofMillis(50));
            log.add("main");
        });
        assertEquals(List.of("first", "second", "main"), log);
    }

    @Test
    void cancelledTimersNeverFireAndDoNotPileUp() {
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            int before = hub.pendingTimers();
            List<HubTimer> timers = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                timers.add(hub.schedule(Duration.ofHours(1), () -> fail("cancelled timer fired")));
            }
            assertEquals(before + 2000, hub.pendingTimers());
            timers.forEach(HubTimer::cancel);
            assertEquals(before, hub.pendingTimers(), "cancelled timers leave the heap at once");
            for (int i = 0; i < 2000; i++) {
                hub.schedule(Duration.ofMillis(1), () -> fail("cancelled")).cancel();
                Green.sleep(); // timed sleeps of the loop itself come and go too
            }
            assertTrue(hub.pendingTimers() <= before + 1, "heap bounded: " + hub.pendingTimers());
            HubTimer t = hub.schedule(Duration.ofMillis(1), () -> { });
            assertFalse(t.isCancelled());
            t.cancel();
            assertTrue(t.isCancelled());
        });
    }

    @Test
    void aFailingTimerCallbackIsReportedAndTheLoopGoesOn() {
        LogCapture err = new LogCapture();
        List<String> fired = new ArrayList<>();
        try {
            Green.run(() -> {
                HubLoop hub = HubLoop.current();
                hub.schedule(Duration.ofMillis(1), () -> {
                    throw new IllegalStateException("timer-boom");
                });
                hub.schedule(Duration.ofMillis(2), () -> fired.add("next"));
                Green.sleep(Duration.ofMillis(30));
            });
        } finally {
            err.close();
        }
        assertEquals(List.of("next"), fired);
        assertTrue(err.text().contains("timer-boom"), err.text());
    }

    @Test
    void scheduleAndCancelFromAnotherThreadWakeTheIdleHub() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicLong firedOn = new AtomicLong();
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            Thread plain = new Thread(() -> {
                HubTimer never = hub.schedule(Duration.ofMillis(50), () -> fail("cancelled from another thread"));
                never.cancel();
                hub.schedule(Duration.ZERO, () -> {
                    firedOn.set(Thread.currentThread().threadId());
                    fired.countDown();
                });
            });
            plain.start();
            // The hub is idle in its poller with no timer; the other thread's work must wake it.
            Green.sleep(Duration.ofMillis(100));
            plain.join();
            assertTrue(fired.await(0, TimeUnit.SECONDS));
        });
        assertNotEquals(0, firedOn.get());
    }

    @Test
    void unparkFromAnotherThreadWakesAParkedGreenThread() {
        String r = Green.run(() -> {
            Thread me = Thread.currentThread();
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // ends the waker early
                }
                Parking.unpark(me);
            });
            waker.start();
            long t0 = System.nanoTime();
            Parking.park(Strand.current(), this, Parking.deadline(Duration.ofSeconds(20)));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
            waker.join();
            return "woken";
        });
        assertEquals("woken", r);
    }

    @Test
    void selectionAndAvailability() {
        List<String> available = Hubs.available();
        assertTrue(available.contains("nio"));
        assertNull(Hubs.unavailabilityCause("nio"));
        assertNotNull(Hubs.unavailabilityCause("select"));
        assertTrue(Hubs.unavailabilityCause("select").contains("epoll, kqueue and nio"));
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            assertFalse(available.contains("kqueue") && HubTest.class.getResource("/META-INF/native") == null,
                    "kqueue on Linux only through the test shim");
        }
        for (String name : available) {
            assertNull(Hubs.unavailabilityCause(name), name);
        }
        String asked = System.getProperty("greenhub.hub");
        if (asked != null) {
            assertEquals(asked, HubKinds.selected());
            assertEquals(asked, HubKinds.defaultLoop().name());
        }
    }

    @Test
    void everyAvailableHubRunsGreenThreads() throws Exception {
        for (String name : Hubs.available()) {
            HubLoop hub = HubKinds.open(name);
            assertEquals(name, hub.name());
            Thread carrier = new Thread(() -> hub.loop(hub::isStopping));
            carrier.start();
            CountDownLatch ran = new CountDownLatch(3);
            for (int i = 0; i < 3; i++) {
                hub.newGreenThread(() -> {
                    Green.sleep(Duration.ofMillis(5));
                    ran.countDown();
                }).start();
            }
            assertTrue(ran.await(10, TimeUnit.SECONDS), name);
            hub.schedule(Duration.ZERO, hub::stop);
            carrier.join(10_000);
            assertFalse(carrier.isAlive());
            hub.close();
        }
    }

    @Test
    void timerHeapKeepsOrderUnderRandomRemovals() {
        TimerHeap heap = new TimerHeap();
        HubLoop hub = HubKinds.defaultLoop();
        java.util.Random rnd = new java.util.Random(7);
        List<HubTimer> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            HubTimer t = new HubTimer(hub, rnd.nextInt(1000), () -> { });
            t.seq = i + 1;
            all.add(t);
            heap.add(t);
        }
        java.util.Collections.shuffle(all, rnd);
        for (int i = 0; i < 2500; i++) {
            heap.remove(all.get(i));
        }
        assertEquals(2500, heap.size());
        HubTimer prev = null;
        while (heap.size() > 0) {
            HubTimer t = heap.poll();
            if (prev != null) {
                assertTrue(prev.before(t), "heap order");
            }
            prev = t;
        }
    }

    @Test
    void anInterruptEndsAWaitInsteadOfSpinning() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Thread plain = new Thread(() -> {
            try {
                Parking.park(this, Parking.NO_DEADLINE);
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        plain.start();
        Thread.sleep(20);
        plain.interrupt();
        plain.join(10_000);
        assertFalse(plain.isAlive());
        assertInstanceOf(org.greenhub.GreenException.class, seen.get());
        assertInstanceOf(InterruptedException.class, seen.get().getCause());
    }

    /** Weak references to 1,000 callbacks of timers an hour away, each cancelled at once by {@code scheduleAndCancel}. */
    private static List<java.lang.ref.WeakReference<Runnable>> cancelledCallbacks(HubLoop hub) {
        List<java.lang.ref.WeakReference<Runnable>> refs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i; // captured, so that each callback is an object of its own
            Runnable callback = () -> fail("cancelled timer " + n + " fired");
            refs.add(new java.lang.ref.WeakReference<>(callback));
            hub.schedule(Duration.ofHours(1), callback).cancel();
        }
        return refs;
    }

    /** How many of {@code refs} still reach their object after a few collections. */
    private static long stillReachable(List<? extends java.lang.ref.WeakReference<?>> refs) throws InterruptedException {
        long alive = refs.size();
        for (int i = 0; i < 20 && alive > 0; i++) {
            System.gc();
            Thread.sleep(10);
            alive = refs.stream().filter(r -> r.get() != null).count();
        }
        return alive;
    }

    @Test
    void cancelledTimersLeaveTheHeapWhicheverThreadScheduledThem() throws Exception {
        Green.run(() -> {
            HubLoop hub = HubLoop.current();
            int before = hub.pendingTimers();
            // From the hub's own green thread: gone at once.
            List<java.lang.ref.WeakReference<Runnable>> own = cancelledCallbacks(hub);
            assertEquals(before, hub.pendingTimers());
            // From a plain thread and from a green thread of another hub: gone by the hub's next pass.
            List<java.lang.ref.WeakReference<Runnable>> plain = org.greenhub.Tpool.execute(() -> cancelledCallbacks(hub));
            List<java.lang.ref.WeakReference<Runnable>> otherHub = org.greenhub.Tpool.execute(() -> Green.run(() -> cancelledCallbacks(hub)));
            Green.sleep();
            Green.sleep();
            assertEquals(before, hub.pendingTimers(), "cancelled timers left the heap");
            assertEquals(0, stillReachable(own), "callbacks of timers cancelled on the hub");
            assertEquals(0, stillReachable(plain), "callbacks of timers scheduled and cancelled by a plain thread");
            assertEquals(0, stillReachable(otherHub), "callbacks of timers scheduled and cancelled by another hub");
        });
    }

    @Test
    void spawnAfterCancelledFromAPlainThreadReleasesItsFunction() throws Exception {
        List<java.lang.ref.WeakReference<java.util.concurrent.Callable<String>>> refs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i; // captured, so that each function is an object of its own
            java.util.concurrent.Callable<String> fn = () -> fail("cancelled spawnAfter " + n + " ran");
            refs.add(new java.lang.ref.WeakReference<>(fn));
            assertTrue(Green.spawnAfter(Duration.ofHours(1), fn).cancel());
        }
        Green.spawn(() -> null).await(); // the default hub has taken in everything queued before
        assertEquals(0, stillReachable(refs), "functions of cancelled spawnAfters");
    }

}
