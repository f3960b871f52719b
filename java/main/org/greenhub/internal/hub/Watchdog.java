package org.greenhub.internal.hub;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocking detector: one daemon platform thread, outside every hub, that looks at
 * each running hub a few times per threshold. A hub whose task counter has not moved
 * while a task (a green thread or a timer callback) runs has been held by that task
 * since the watchdog first saw it; past the threshold the watchdog reports it once,
 * while it still runs, with its stack, and when the hub moves on it reports the stall's
 * length and records a JFR event. The hub's own cost is two opaque stores per task
 * ({@link HubLoop}). The watchdog also keeps a platform MXBean registered per hub
 * ({@link HubStats}).
 *
 * <p>The threshold comes from the system property {@code greenhub.blockingThreshold}
 * ({@code 100ms} by default; {@code 250ms}, {@code 2s}, a number of milliseconds, or
 * {@code 0} for off) and can be changed at run time.
 */
public final class Watchdog {
    private static final System.Logger LOG = System.getLogger("org.greenhub.debug");
    private static final Duration DEFAULT = Duration.ofMillis(100);
    private static volatile long thresholdNanos = parse(System.getProperty("greenhub.blockingThreshold"));
    private static Thread thread; // guarded by Watchdog.class
    private static final Map<Class<?>, Field> THREAD_FIELDS = new ConcurrentHashMap<>();
    /** Hubs with a stall reported and not ended (watchdog thread only): a hub closed meanwhile ends its stall. */
    private static final java.util.Set<HubLoop> STALLED = new java.util.HashSet<>();

    private Watchdog() {
    }

    /** The watchdog's view of one hub. Watchdog thread only, except {@link #longestNanos} and {@link #count}. */
    static final class Stalls {
        long lastRuns = -1;
        long seenAt;          // when the watchdog first saw the hub at lastRuns with a task running
        boolean reported;
        String offender;
        String stack;
        volatile long longestNanos;
        volatile long count;
    }

    /** Sets the threshold; null or zero turns the detector off. */
    public static void setThreshold(Duration d) {
        if (d != null && d.isNegative()) {
            throw new IllegalArgumentException("negative blocking threshold " + d);
        }
        thresholdNanos = d == null ? 0 : d.toNanos();
        if (thresholdNanos > 0) {
            start();
        }
    }

    /** The threshold; zero when off. */
    public static Duration threshold() {
        return Duration.ofNanos(thresholdNanos);
    }

    static long parse(String v) {
        if (v == null || v.isBlank()) {
            return DEFAULT.toNanos();
        }
        Matcher m = Pattern.compile("\\s*(\\d{1,9})\\s*(ms|s)?\\s*").matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            LOG.log(System.Logger.Level.WARNING, "greenhub.blockingThreshold=" + v
                    + " is not a duration such as 100ms, 2s or 0; using " + DEFAULT.toMillis() + "ms");
            return DEFAULT.toNanos();
        }
        long n = Long.parseLong(m.group(1));
        return "s".equals(m.group(2)) ? Duration.ofSeconds(n).toNanos() : Duration.ofMillis(n).toNanos();
    }

    /** Starts the watchdog thread once (a hub calls it when its loop first runs). */
    static synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("greenhub-watchdog").daemon(true).start(Watchdog::watch);
        }
    }

    private static void watch() {
        while (true) {
            long t = thresholdNanos;
            // A quarter of the threshold between looks: a stall is reported within a
            // quarter past the threshold.
            long tick = t > 0 ? Math.min(Math.max(t / 4, 2_000_000L), 250_000_000L) : 250_000_000L;
            try {
                Thread.sleep(Duration.ofNanos(tick));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (java.util.Iterator<HubLoop> it = STALLED.iterator(); it.hasNext(); ) {
                HubLoop hub = it.next();
                if (hub.isClosed()) { // the stall ended with the hub, which the loop below no longer sees
                    ended(hub, hub.stalls, now);
                    it.remove();
                }
            }
            for (HubLoop hub : HubLoop.running()) {
                try {
                    look(hub, now, thresholdNanos);
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.DEBUG, "watchdog could not look at hub " + hub.label(), e);
                }
            }
            HubStats.sync();
        }
    }

    private static void look(HubLoop hub, long now, long threshold) {
        Stalls s = hub.stalls;
        Object task = hub.runningTask();
        long runs = hub.runs();
        if (task == null || runs != s.lastRuns) {
            if (s.reported) {
                ended(hub, s, now);
                STALLED.remove(hub);
            }
            s.lastRuns = runs;
            s.seenAt = now;
            s.reported = false;
            return;
        }
        long held = now - s.seenAt;
        if (!s.reported && threshold > 0 && held >= threshold) {
            s.reported = true;
            Thread green = threadOf(task);
            StackTraceElement[] stack;
            if (green != null) {
                s.offender = "green thread " + nameOf(green);
                stack = green.getStackTrace();
            } else {
                Thread carrier = hub.carrier();
                s.offender = "timer callback " + task;
                stack = carrier != null ? carrier.getStackTrace() : new StackTraceElement[0];
            }
            if (hub.runs() != runs) {
                s.reported = false; // it moved on while we looked: no stall after all
                return;
            }
            s.stack = format(stack);
            STALLED.add(hub);
            LOG.log(System.Logger.Level.WARNING, "hub " + hub.label() + " blocked for " + held / 1_000_000
                    + " ms (and counting) by " + s.offender + ", which has not yielded:\n" + s.stack);
        }
    }

    private static void ended(HubLoop hub, Stalls s, long now) {
        long held = now - s.seenAt;
        s.count++;
        if (held > s.longestNanos) {
            s.longestNanos = held;
        }
        LOG.log(System.Logger.Level.WARNING, "hub " + hub.label() + " was blocked for " + held / 1_000_000 + " ms by " + s.offender);
        HubBlockedEvent e = new HubBlockedEvent();
        if (e.shouldCommit()) {
            e.hub = hub.label();
            e.greenThread = s.offender;
            e.stallDuration = held;
            e.stack = s.stack;
            e.commit();
        }
        s.offender = null;
        s.stack = null;
        s.reported = false;
    }

    /**
     * The virtual thread whose continuation {@code task} is, or null for any other task.
     * The JDK's scheduler gets a lambda that captures its virtual thread; reading that field
     * needs java.lang opened to greenhub (greenhub's JVM flags do it), and happens only
     * when a stall is reported.
     */
    static Thread threadOf(Object task) {
        Field f = THREAD_FIELDS.computeIfAbsent(task.getClass(), Watchdog::threadField);
        if (f == NO_FIELD) {
            return null;
        }
        try {
            Thread t = (Thread) f.get(task);
            return t != null && t.isVirtual() ? t : null;
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static final Field NO_FIELD;

    static {
        try {
            NO_FIELD = Stalls.class.getDeclaredField("offender");
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Field threadField(Class<?> c) {
        for (Field f : c.getDeclaredFields()) {
            if (Thread.class.isAssignableFrom(f.getType())) {
                try {
                    f.setAccessible(true);
                    return f;
                } catch (RuntimeException e) {
                    return NO_FIELD; // java.lang is not opened to greenhub
                }
            }
        }
        return NO_FIELD;
    }

    /** A green thread's name as GreenThread.name() gives it. */
    static String nameOf(Thread t) {
        String n = t.getName();
        return n.isEmpty() ? "green-" + t.threadId() : n;
    }

    static String format(StackTraceElement[] stack) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement e : stack) {
            b.append("\tat ").append(e).append('\n');
        }
        return b.toString();
    }
}
