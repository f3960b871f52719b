package org.greenhub;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.greenhub.hub.Hub;
import org.greenhub.hub.Hubs;
import org.greenhub.hub.Parking;
import org.greenhub.hub.Strand;

/**
 * The {@code import eventlet} facade: run a hub, spawn green threads, sleep, time out.
 *
 * <pre>{@code
 * Green.run(() -> {
 *     GreenThread<String> t = Green.spawn(() -> "hello");
 *     Green.sleep(Duration.ofMillis(10));
 *     return t.await();
 * });
 * }</pre>
 */
public final class Green {
    private static final Object SLEEP = new Object();

    private Green() {
    }

    // ---- running ------------------------------------------------------------------

    /**
     * Starts a hub on the calling thread, runs {@code main} as a green thread and
     * returns its result or rethrows its exception (unchecked as is, checked wrapped
     * in {@link GreenException}). Green threads still alive when {@code main} ends are killed.
     */
    public static <T> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        if (Strand.currentGreen() != null) {
            throw new IllegalStateException("Green.run inside a green thread would block its hub: use Green.spawn");
        }
        Hub hub = Hubs.newHub();
        try {
            GreenThread<T> g = new GreenThread<>(hub, main, false);
            g.start();
            hub.loop(g::isDone);
            // Kill what is left, let it unwind, and leave what refuses to die parked.
            hub.stop();
            for (Strand s : hub.liveStrands()) {
                s.deliver(new GreenThreadExit(), true);
            }
            hub.loop(() -> !hub.hasRunnableWork());
            return g.resultOrThrow();
        } finally {
            hub.close();
        }
    }

    /** {@link #run(Callable)} for a body without a result. */
    public static void run(GreenRunnable main) {
        run(callable(main));
    }

    // ---- spawning -----------------------------------------------------------------

    /**
     * Schedules {@code fn} as a new green thread; it starts at the caller's next
     * yield. Outside any hub it runs on the default hub.
     */
    public static <T> GreenThread<T> spawn(Callable<T> fn) {
        GreenThread<T> g = new GreenThread<>(Hub.current(), Objects.requireNonNull(fn, "fn"), false);
        g.start();
        return g;
    }

    /** {@link #spawn(Callable)} for a body without a result. */
    public static GreenThread<Void> spawn(GreenRunnable fn) {
        return spawn(callable(fn));
    }

    /**
     * Like spawn without a handle. An exception escaping {@code fn} is printed
     * once with its stack and the hub goes on.
     */
    public static void spawnN(GreenRunnable fn) {
        new GreenThread<>(Hub.current(), callable(fn), true).start();
    }

    /** Starts {@code fn} after {@code delay}; {@code cancel()} before then means it never runs. */
    public static <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> fn) {
        Objects.requireNonNull(delay, "delay");
        GreenThread<T> g = new GreenThread<>(Hub.current(), Objects.requireNonNull(fn, "fn"), false);
        g.startAfter(delay);
        return g;
    }

    // ---- yielding -----------------------------------------------------------------

    /** Yields: every other runnable green thread gets a turn, then the caller resumes. */
    public static void sleep() {
        Parking.checkPending();
        Thread.yield();
        Parking.checkPending();
    }

    /** Sleeps for {@code d} (green threads yield meanwhile; a plain thread just sleeps). */
    public static void sleep(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            sleep();
            return;
        }
        long deadline = Parking.deadline(d);
        Strand me = Strand.current();
        while (Parking.park(me, SLEEP, deadline)) {
            // woken early (a stray unpark): sleep on
        }
    }

    /** Sleeps for {@code millis} milliseconds. */
    public static void sleep(long millis) {
        sleep(Duration.ofMillis(millis));
    }

    /** The running green thread, or null on a plain thread. */
    public static GreenThread<?> current() {
        return Strand.currentGreen() instanceof GreenThread<?> g ? g : null;
    }

    /** The hub of the current thread (on a plain thread: the default hub). */
    public static Hub hub() {
        return Hub.current();
    }

    // ---- timeouts -----------------------------------------------------------------

    /** Runs {@code fn} under a {@link Timeout} of {@code d}; throws {@link TimeoutExpired} when it fires. */
    public static <T> T withTimeout(Duration d, Callable<T> fn) {
        try (Timeout t = Timeout.start(d)) {
            return fn.call();
        } catch (Exception e) {
            throw GreenException.rethrow(e);
        }
    }

    /** Runs {@code fn} under a {@link Timeout} of {@code d}; returns {@code onTimeout} when that timeout fires. */
    public static <T> T withTimeout(Duration d, Callable<T> fn, T onTimeout) {
        Timeout t = Timeout.start(d);
        try {
            return fn.call();
        } catch (TimeoutExpired e) {
            if (e.timeout() == t) {
                return onTimeout;
            }
            throw e;
        } catch (Exception e) {
            throw GreenException.rethrow(e);
        } finally {
            t.cancel();
        }
    }

    static Callable<Void> callable(GreenRunnable r) {
        Objects.requireNonNull(r, "fn");
        return () -> {
            r.run();
            return null;
        };
    }
}
