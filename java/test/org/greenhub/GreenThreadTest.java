package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.greenhub.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Green.run / spawn / spawnN / spawnAfter / sleep and GreenThread, with Eventlet's semantics. */
@Timeout(30)
class GreenThreadTest {

    @Test
    void runReturnsTheResultOfMain() {
        assertEquals(42, Green.run(() -> 42));
    }

    @Test
    void runRethrowsUncheckedAsIsAndWrapsChecked() {
        IllegalArgumentException iae = new IllegalArgumentException("bad");
        assertSame(iae, assertThrows(IllegalArgumentException.class, () -> Green.run(() -> {
            throw iae;
        })));
        IOException io = new IOException("io");
        GreenException ge = assertThrows(GreenException.class, () -> Green.run((GreenRunnable) () -> {
            throw io;
        }));
        assertSame(io, ge.getCause());
    }

    @Test
    void runKillsGreenThreadsStillAliveWhenMainEnds() {
        AtomicBoolean unwound = new AtomicBoolean();
        AtomicBoolean neverStarted = new AtomicBoolean(true);
        GreenThread<?>[] sleeper = new GreenThread<?>[1];
        Green.run(() -> {
            sleeper[0] = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } finally {
                    unwound.set(true);
                }
            });
            Green.sleep(); // let it start and park
            Green.spawnN(() -> neverStarted.set(false)); // queued, never gets a turn
        });
        assertTrue(unwound.get(), "a sleeping thread is killed and its finally block runs");
        assertTrue(sleeper[0].isDone());
        assertThrows(GreenThreadExit.class, sleeper[0]::await);
        assertTrue(neverStarted.get(), "a thread that had not started never runs once main ended");
    }

    /**
     * A killed thread whose cleanup waits for a monitor that a plain thread holds is not
     * runnable when main ends; it still gets its turn before run returns. Abandoned, it
     * would never run again, and the JDK would keep the monitor for it: no thread could
     * ever take it again.
     */
    @Test
    void aThreadUnwindingIntoAMonitorHeldElsewhereEndsBeforeRunReturns() throws Exception {
        Object monitor = new Object();
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        AtomicBoolean unwound = new AtomicBoolean();
        Thread holder = new Thread(() -> {
            synchronized (monitor) {
                held.countDown();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Green.run(() -> {
            spawnUnwindingThroughMonitor(monitor, unwound);
            Green.sleep(); // it parks in its sleep
            holder.start();
            held.await();
        });
        assertTrue(unwound.get(), "the cleanup ran once the monitor was free");
        holder.join();
        Thread taker = Thread.ofPlatform().start(() -> {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        });
        taker.join(10_000);
        assertFalse(taker.isAlive(), "the monitor can be taken again");
    }

    /** A green thread that sleeps until killed, and whose cleanup takes {@code monitor} to set {@code unwound}. */
    private static void spawnUnwindingThroughMonitor(Object monitor, AtomicBoolean unwound) {
        Green.spawn(() -> {
            try {
                Green.sleep(Duration.ofHours(1));
            } finally {
                synchronized (monitor) {
                    unwound.set(true);
                }
            }
        });
    }

    /** The end waits for a monitor only so long: one that is never released (a deadlock) does not keep run from returning. */
    @Test
    void runReturnsWhenAnUnwindingThreadWaitsForAMonitorNeverReleased() {
        Object monitor = new Object();
        AtomicBoolean unwound = new AtomicBoolean();
        long t0 = System.nanoTime();
        Green.run(() -> {
            Green.spawn(() -> {
                synchronized (monitor) {
                    try {
                        Green.sleep(Duration.ofHours(1));
                    } catch (GreenThreadExit e) {
                        Green.sleep(Duration.ofHours(1)); // refuses to die, holding the monitor
                    }
                }
            });
            spawnUnwindingThroughMonitor(monitor, unwound);
            Green.sleep();
        });
        assertFalse(unwound.get());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "run returned");
    }

    @Test
    void runInsideAGreenThreadIsRefused() {
        Green.run(() -> {
            assertThrows(IllegalStateException.class, () -> Green.run(() -> 1));
        });
    }

    @Test
    void spawnStartsAtTheCallersNextYield() {
        List<String> log = new ArrayList<>();
        Green.run(() -> {
            Green.spawn(() -> log.add("child"));
            log.add("parent before yield");
            Green.sleep();
            log.add("parent after yield");
        });
        assertEquals(List.of("parent before yield", "child", "parent after yield"), log);
    }

    @Test
    void sleepZeroRunsEveryScheduledThreadInOrderThenResumesTheCaller() {
        List<String> log = new ArrayList<>();
        Green.run(() -> {
            for (int i = 0; i < 5; i++) {
                int n = i;
                Green.spawnN(() -> {
                    log.add("a" + n);
                    Green.sleep();
                    log.add("b" + n);
                });
            }
            Green.sleep();
            log.add("main");
            Green.sleep();
            log.add("main2");
        });
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4", "main", "b0", "b1", "b2", "b3", "b4", "main2"), log);
    }

    @Test
    void spawnAndSpawnNRunInTheOrderTheyWereMade() {
        List<String> log = new ArrayList<>();
        Green.run(() -> {
            Green.spawnN(() -> log.add("n0"));
            Green.spawn(() -> log.add("s1"));
            GreenPool pool = new GreenPool(10);
            pool.spawnN(() -> log.add("p2"));
            Green.spawnN(() -> {
                log.add("n3");
                Green.spawnN(() -> log.add("n5")); // made while the hub runs the others
                Green.sleep();
                log.add("n3 again");
            });
            pool.spawn(() -> log.add("p4"));
            Green.sleep();
            log.add("main");
            Green.sleep();
            pool.waitAll();
        });
        assertEquals(List.of("n0", "s1", "p2", "n3", "p4", "main", "n5", "n3 again"), log);
    }

    @Test
    void deferredSpawnsKeepTheirOrderAcrossPoolsAndPasses() {
        // spawnN's threads are made at their turn; spawns in a row of one pool (or of none)
        // share one run-queue entry: the order must be the order they were made, and spawns
        // made by those threads while they run come after everything queued before them.
        List<String> log = new ArrayList<>();
        Green.run(() -> {
            GreenPool p = new GreenPool(10);
            GreenPool q = new GreenPool(10);
            p.spawnN(() -> {
                log.add("p0");
                Green.spawnN(() -> log.add("n6"));
                p.spawnN(() -> log.add("p7"));
            });
            p.spawnN(() -> log.add("p1"));
            q.spawnN(() -> log.add("q2"));
            Green.spawnN(() -> log.add("n3"));
            Green.spawnN(() -> log.add("n4"));
            p.spawnN(() -> log.add("p5"));
            Green.sleep();
            log.add("main");
            Green.sleep();
            log.add("main2");
            p.waitAll();
            q.waitAll();
        });
        assertEquals(List.of("p0", "p1", "q2", "n3", "n4", "p5", "main", "n6", "p7", "main2"), log);
    }

    /**
     * A green thread gets what a new thread made by its spawner inherits (inheritable
     * thread-locals, the context class loader), nothing from the hub's thread, whether
     * spawnN makes it at once or, for a spawner with nothing to inherit, when its turn comes.
     */
    @Test
    void spawnedThreadsInheritFromTheirSpawnerNotFromTheHubThread() throws Exception {
        InheritableThreadLocal<String> local = new InheritableThreadLocal<>();
        ClassLoader system = ClassLoader.getSystemClassLoader();
        ClassLoader hubs = new java.net.URLClassLoader(new java.net.URL[0], system);
        ClassLoader spawners = new java.net.URLClassLoader(new java.net.URL[0], system);
        List<String> seen = new CopyOnWriteArrayList<>();
        GreenRunnable report = () -> seen.add(local.get() + " "
                + (Thread.currentThread().getContextClassLoader() == system ? "system"
                : Thread.currentThread().getContextClassLoader() == spawners ? "spawner's" : "other"));
        Thread carrier = Thread.ofPlatform().inheritInheritableThreadLocals(false).unstarted(() -> Green.run(() -> {
            // the hub's thread (this platform thread) takes a value and a loader of its own
            Green.hub().schedule(Duration.ZERO, () -> {
                local.set("hub's");
                Thread.currentThread().setContextClassLoader(hubs);
            });
            Green.sleep(Duration.ofMillis(20));
            Green.spawnN(report);                 // nothing to inherit: made at its turn
            new GreenPool(2).spawnN(report);
            Green.spawn(report).await();          // made at once
            Green.sleep();
            Thread.currentThread().setContextClassLoader(spawners);
            Green.spawnN(report);                 // a loader to inherit: made at once
            Green.sleep();
            Thread.currentThread().setContextClassLoader(system);
            local.set("spawner's");
            Green.spawnN(report);                 // a value to inherit: made at once
            new GreenPool(2).spawnN(report);
            Green.sleep();
        }));
        carrier.setContextClassLoader(system);
        carrier.start();
        carrier.join();
        assertEquals(List.of("null system", "null system", "null system", "null spawner's",
                "spawner's system", "spawner's system"), seen);
    }

    @Test
    void aYieldLoopDoesNotStarveTimers() {
        boolean timerRan = Green.run(() -> {
            AtomicBoolean ran = new AtomicBoolean();
            Green.spawnAfter(Duration.ofMillis(5), () -> {
                ran.set(true);
                return null;
            });
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!ran.get() && System.nanoTime() < end) {
                Green.sleep();
            }
            return ran.get();
        });
        assertTrue(timerRan);
    }

    @Test
    void timedSleepsWakeInDeadlineOrder() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        Green.run(() -> {
            GreenPoolFree.spawnAll(List.of(60, 20, 40, 0), ms -> {
                Green.sleep(Duration.ofMillis(ms));
                order.add(ms);
            });
        });
        assertEquals(List.of(0, 20, 40, 60), order);
    }

    @Test
    void sleepOnAPlainThreadSleeps() {
        long t0 = System.nanoTime();
        Green.sleep(Duration.ofMillis(30));
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(30).toNanos());
        Green.sleep(); // a plain yield, no error
    }

    @Test
    void spawnNReportsAnEscapingExceptionOnceAndTheHubGoesOn() {
        LogCapture err = new LogCapture();
        try {
            int after = Green.run(() -> {
                Green.spawnN(() -> {
                    throw new IllegalStateException("boom-in-spawnN");
                });
                Green.sleep();
                GreenThread<Integer> next = Green.spawn(() -> 7);
                return next.await();
            });
            assertEquals(7, after);
        } finally {
            err.close();
        }
        String text = err.text();
        assertEquals(1, text.split("boom-in-spawnN", -1).length - 1, text);
        assertTrue(text.contains("IllegalStateException"), text);
    }

    @Test
    void spawnAfterRunsLaterAndCancelBeforeStartMeansNever() {
        Green.run(() -> {
            long t0 = System.nanoTime();
            GreenThread<Long> later = Green.spawnAfter(Duration.ofMillis(30), System::nanoTime);
            AtomicBoolean ran = new AtomicBoolean();
            GreenThread<Object> cancelled = Green.spawnAfter(Duration.ofMillis(10), () -> {
                ran.set(true);
                return null;
            });
            assertFalse(later.isStarted());
            assertTrue(cancelled.cancel());
            assertTrue(later.await() - t0 >= Duration.ofMillis(30).toNanos());
            Green.sleep(Duration.ofMillis(30));
            assertFalse(ran.get());
            assertTrue(cancelled.isDone());
            assertFalse(cancelled.isStarted());
            assertThrows(GreenThreadExit.class, cancelled::await);
        });
    }

    @Test
    void currentAndHub() {
        assertNull(Green.current());
        assertNotNull(Green.hub(), "a plain thread gets the default hub");
        Green.run(() -> {
            GreenThread<?> me = Green.current();
            assertNotNull(me);
            assertSame(Thread.currentThread(), me.thread());
            assertTrue(me.thread().isVirtual());
            String expected = System.getProperty("greenhub.hub");
            if (expected != null) {
                assertEquals(expected, Green.hub().name());
            }
            GreenThread<GreenThread<?>> child = Green.spawn(Green::current);
            assertSame(child, child.await());
            assertSame(Green.hub(), Green.spawn(Green::hub).await());
        });
    }

    @Test
    void awaitReturnsRethrowsAndReportsKills() {
        Green.run(() -> {
            assertEquals("ok", Green.spawn(() -> "ok").await());
            IllegalStateException ise = new IllegalStateException("x");
            assertSame(ise, assertThrows(IllegalStateException.class, Green.spawn(() -> {
                throw ise;
            })::await));
            IOException io = new IOException("checked");
            assertSame(io, assertThrows(GreenException.class, Green.spawn(() -> {
                throw io;
            })::await).getCause());
            GreenThread<Object> sleeper = Green.spawn(() -> {
                Green.sleep(Duration.ofHours(1));
                return null;
            });
            Green.sleep();
            sleeper.kill();
            assertTrue(sleeper.isDone());
            assertThrows(GreenThreadExit.class, sleeper::await);
            assertThrows(IllegalStateException.class, () -> Green.current().await(), "awaiting yourself");
        });
    }

    @Test
    void killOfANotYetStartedThreadMeansItNeverRunsButLinksDo() {
        Green.run(() -> {
            AtomicBoolean ran = new AtomicBoolean();
            AtomicInteger linked = new AtomicInteger();
            GreenThread<Void> t = Green.spawn(() -> ran.set(true));
            t.link(g -> linked.incrementAndGet());
            t.kill();
            assertTrue(t.isDone());
            assertEquals(1, linked.get());
            Green.sleep();
            Green.sleep();
            assertFalse(ran.get());
            assertFalse(t.isStarted());
            assertThrows(GreenThreadExit.class, t::await);
        });
    }

    @Test
    void theKillerResumesOnlyAfterTheVictimHandledTheExit() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            GreenThread<Void> victim = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } catch (GreenThreadExit e) {
                    log.add("victim caught");
                    throw e;
                } finally {
                    log.add("victim finally");
                }
            });
            Green.sleep();
            victim.kill();
            log.add("killer resumed");
            assertEquals(List.of("victim caught", "victim finally", "killer resumed"), log);
        });
    }

    @Test
    void aVictimMayCatchTheExitAndGoOnAndTheKillerWaitsForItsEnd() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            GreenThread<String> victim = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } catch (GreenThreadExit e) {
                    log.add("caught");
                }
                Green.sleep(Duration.ofMillis(20)); // blocks again, and is not killed again
                log.add("went on");
                return "survived";
            });
            Green.sleep();
            victim.kill();
            log.add("kill returned");
            assertTrue(victim.isDone());
            assertEquals("survived", victim.await());
            assertEquals(List.of("caught", "went on", "kill returned"), log);
        });
    }

    @Test
    void killReturnsOnlyAfterCleanupThatBlocks() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            GreenThread<Void> victim = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } finally {
                    Green.sleep(Duration.ofMillis(30)); // cleanup that blocks
                    log.add("cleanup done");
                }
            });
            Green.sleep();
            victim.kill();
            log.add("kill returned");
            assertEquals(List.of("cleanup done", "kill returned"), log);
            assertThrows(GreenThreadExit.class, victim::await);
        });
    }

    @Test
    void killWithACustomExceptionAndKillingFinishedOrSelf() {
        Green.run(() -> {
            GreenThread<Object> t = Green.spawn(() -> {
                Green.sleep(Duration.ofHours(1));
                return null;
            });
            Green.sleep();
            IllegalStateException custom = new IllegalStateException("custom kill");
            t.kill(custom);
            assertSame(custom, assertThrows(IllegalStateException.class, t::await));
            t.kill(); // finished: nothing happens
            assertSame(custom, assertThrows(IllegalStateException.class, t::await));
            GreenThread<?> me = Green.current();
            assertThrows(GreenThreadExit.class, me::kill);
        });
    }

    @Test
    void killInterruptsAJdkBlockingCall() {
        Green.run(() -> {
            GreenThread<Object> t = Green.spawn(() -> {
                Thread.sleep(Duration.ofHours(1));
                return null;
            });
            Green.sleep();
            t.kill();
            assertThrows(GreenThreadExit.class, t::await);
        });
    }

    @Test
    void cancelOnlyBeforeStart() {
        Green.run(() -> {
            AtomicBoolean ran = new AtomicBoolean();
            GreenThread<Void> notYet = Green.spawn(() -> ran.set(true));
            assertTrue(notYet.cancel());
            assertFalse(notYet.cancel());
            GreenThread<Object> running = Green.spawn(() -> {
                Green.sleep(Duration.ofMillis(50));
                return "done";
            });
            Green.sleep();
            assertTrue(running.isStarted());
            assertFalse(running.cancel());
            assertEquals("done", running.await());
            Green.sleep();
            assertFalse(ran.get());
        });
    }

    @Test
    void linksRunAtTheEndAtOnceWhenEndedAndExactlyOnceWhenAddedInsideACallback() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            GreenThread<String> t = Green.spawn(() -> {
                Green.sleep(Duration.ofMillis(10));
                return "r";
            });
            Consumer<GreenThread<String>> removed = g -> log.add("removed ran");
            t.link(g -> {
                log.add("first " + g.await());
                g.link(h -> log.add("added inside"));
            });
            t.link(removed);
            assertTrue(t.unlink(removed));
            assertFalse(t.unlink(removed));
            t.await();
            Green.sleep();
            assertEquals(List.of("first r", "added inside"), log);
            t.link(g -> log.add("after end"));
            assertEquals(List.of("first r", "added inside", "after end"), log);
        });
    }

    @Test
    void aFailingLinkIsReportedAndTheOthersStillRun() {
        LogCapture err = new LogCapture();
        try {
            List<String> log = new CopyOnWriteArrayList<>();
            Green.run(() -> {
                GreenThread<Integer> t = Green.spawn(() -> 1);
                t.link(g -> {
                    throw new IllegalStateException("bad link");
                });
                t.link(g -> log.add("second"));
                t.await();
            });
            assertEquals(List.of("second"), log);
        } finally {
            err.close();
        }
    }

    @Test
    void stateAndNames() {
        Green.run(() -> {
            GreenThread<Integer> t = Green.spawn(() -> {
                Green.sleep();
                return 1;
            });
            assertFalse(t.isStarted());
            assertFalse(t.isDone());
            Green.sleep();
            assertTrue(t.isStarted());
            assertFalse(t.isDone());
            assertEquals(1, t.await());
            assertTrue(t.isDone());
            assertNotNull(t.name());
            assertFalse(t.name().isEmpty());
            assertTrue(t.thread().isVirtual());
        });
    }

    @Test
    void spawningFromAPlainThreadUsesTheDefaultHub() throws Exception {
        GreenThread<String> t = Green.spawn(() -> {
            Green.sleep(Duration.ofMillis(5));
            return Green.hub().name() + (Green.current() != null ? " green" : " plain");
        });
        assertTrue(t.await().endsWith(" green"));
        GreenThread<Object> sleeper = Green.spawn(() -> {
            Green.sleep(Duration.ofHours(1));
            return null;
        });
        while (!sleeper.isStarted()) {
            Thread.sleep(1);
        }
        sleeper.kill(); // from a plain thread
        assertThrows(GreenThreadExit.class, sleeper::await);
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            Green.spawnN(n::incrementAndGet);
        }
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (n.get() < 100 && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertEquals(100, n.get());
    }

    @Test
    void greenThreadsAreJavaThreads() {
        Green.run(() -> {
            ThreadLocal<String> local = ThreadLocal.withInitial(() -> "unset");
            local.set("main");
            GreenThread<String> other = Green.spawn(local::get);
            assertEquals("unset", other.await());
            assertEquals("main", local.get());
            Object lock = new Object();
            synchronized (lock) {
                Green.sleep(); // synchronized blocks work inside green threads
            }
        });
    }

    @Test
    void manyGreenThreads() {
        int n = 100_000;
        int sum = Green.run(() -> {
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                Green.spawnN(() -> {
                    Green.sleep();
                    done.incrementAndGet();
                });
            }
            while (done.get() < n) {
                Green.sleep(Duration.ofMillis(1));
            }
            return done.get();
        });
        assertEquals(n, sum);
    }

    /** Spawns one green thread per element and waits for all (no GreenPool: that is issue 3's). */
    static final class GreenPoolFree {
        interface Body<A> {
            void run(A a) throws Exception;
        }

        static <A> void spawnAll(List<A> args, Body<A> body) {
            List<GreenThread<Void>> all = new ArrayList<>();
            for (A a : args) {
                all.add(Green.spawn(() -> body.run(a)));
            }
            for (GreenThread<Void> t : all) {
                t.await();
            }
        }
    }

    @Test
    void killWithNullIsANullPointerException() {
        Green.run(() -> {
            GreenThread<Void> t = Green.spawn(() -> Green.sleep(Duration.ofSeconds(10)));
            assertThrows(NullPointerException.class, () -> t.kill(null));
            t.kill();
            assertThrows(GreenThreadExit.class, t::await);
        });
    }
}
