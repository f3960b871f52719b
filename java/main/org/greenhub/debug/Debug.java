package org.greenhub.debug;

import java.time.Duration;
import org.greenhub.internal.hub.GreenThreadDump;
import org.greenhub.internal.hub.Watchdog;

/**
 * Answers "is my hub blocked, and by what?" while a server runs.
 *
 * <p><b>The blocking detector</b> is on by default at 100 ms: a watchdog thread outside
 * the hubs ({@code greenhub-watchdog}) looks at every hub a few times per threshold.
 * A green thread (or timer callback) that holds its hub longer than the threshold
 * without yielding is reported once, while it still holds the hub, with its name and
 * stack, to the {@code System.Logger} named {@code org.greenhub.debug} at WARNING; when
 * it yields, one more WARNING line gives the stall's length, and a JFR event
 * {@code org.greenhub.HubBlocked} (hub, green thread, duration, stack) is recorded. The
 * system property {@code greenhub.blockingThreshold} sets the threshold at start
 * ({@code 250ms}, {@code 2s}, a number of milliseconds; {@code 0} turns it off). The
 * hub's cost is two stores per green thread it runs.
 *
 * <p>Each running hub is also a platform MXBean, {@code org.greenhub:type=Hub,name=<kind>-<n>}
 * (live green threads, run-queue length, passes, poll waits, pending timers, stalls and
 * the longest, and a {@code dumpGreenThreads} operation), for JConsole or VisualVM.
 */
public final class Debug {
    private Debug() {
    }

    /**
     * Sets the blocking detector's threshold for every hub, from now on.
     *
     * @param threshold how long a green thread may hold its hub before it is reported;
     *        null or {@link Duration#ZERO} turns the detector off
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public static void hubBlockingDetection(Duration threshold) {
        Watchdog.setThreshold(threshold);
    }

    /**
     * Every live green thread of every running hub: per hub its label, carrier thread and
     * counts; per green thread its name, state ({@code running}, {@code runnable} or
     * {@code waiting}), what a waiting one waits on (a socket and direction, a queue, an
     * event, a semaphore, a green thread's end, a sleep, a Tpool call, or the JDK
     * object a JDK call parked on) with its deadline, and its stack. Each hub's list is
     * read on the hub; a hub blocked for over a second is read as it is.
     *
     * @return the dump, one block per hub
     */
    public static String dumpGreenThreads() {
        return GreenThreadDump.all();
    }
}
