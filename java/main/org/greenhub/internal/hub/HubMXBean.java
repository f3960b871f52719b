package org.greenhub.internal.hub;

/**
 * One hub, as JConsole and VisualVM see it: the platform MXBean
 * {@code org.greenhub:type=Hub,name=<kind>-<n>}. Counters are snapshots read without
 * stopping the hub.
 */
public interface HubMXBean {
    /** The kind: epoll, kqueue or nio. */
    String getKind();

    /** The carrier thread's name. */
    String getCarrier();

    /** Green threads started and not ended. */
    int getLiveGreenThreads();

    /** Tasks (green threads to resume, callbacks) queued to run. */
    int getRunQueueLength();

    /** Passes of the loop so far. */
    long getPasses();

    /** Polls that could wait (nothing was runnable). */
    long getPollWaits();

    /** Timers in the heap (sleeps, timeouts, scheduled callbacks). */
    int getPendingTimers();

    /** Stalls the blocking detector reported on this hub. */
    long getStalls();

    /** The longest of them, in milliseconds. */
    long getLongestStallMillis();

    /** {@code Debug.dumpGreenThreads()} for this hub. */
    String dumpGreenThreads();
}
