package org.greenhub.internal.hub;

import java.lang.System.Logger.Level;

/**
 * Keeps the JDK's own socket pollers off the hubs, in their cheaper mode for green
 * threads. The JDK parks a virtual thread that blocks on a java.net or java.nio
 * socket and lets its poller threads unpark it. Those pollers are started by the
 * class initializer of {@code sun.nio.ch.Poller}, on whichever thread first blocks
 * on a JDK socket; in the default mode on Linux they are virtual threads, and a
 * virtual thread started from a green thread inherits its hub as its scheduler. Had
 * a green thread been first, every JDK socket wait in the JVM would depend on that
 * one hub, and would never end once the hub stopped. So the first hub initializes
 * the class from a platform thread.
 *
 * <p>Unless the JVM sets {@code jdk.pollerMode} itself, it is set to 1 first: platform
 * poller threads, which unpark a green thread straight into its hub. In the default
 * mode (2) a platform master poller wakes a virtual sub-poller on the JDK's
 * ForkJoinPool, which then unparks the green thread: one more hand-off between
 * threads. Measured with {@code org.greenhub.bench.JdkSocketEcho} (java.net.Socket
 * echo between green threads, 50 connections, one hub; median of 5 fresh JVMs
 * alternating, 2 cores; see ci/bench): mode 1 did 60,200 round trips/s, mode 2
 * 41,200 (1.46x). {@code Green.patch()} takes java.net sockets off the JDK's pollers
 * altogether: their waits then go to the hub's own poller.
 *
 * <p>Cost: once per JVM, class initialization on a short-lived platform thread
 * (the pollers' own threads and descriptors, which any use of a JDK socket from a
 * virtual thread would create anyway).
 */
final class JdkPollers {
    private static final String MODE = "jdk.pollerMode";
    private static volatile boolean started;

    private JdkPollers() {
    }

    /** Starts the JDK's pollers from a platform thread, once; later calls return at once. */
    static void startOffHub() {
        if (started) {
            return;
        }
        synchronized (JdkPollers.class) {
            if (started) {
                return;
            }
            if (Thread.currentThread().isVirtual()) {
                Thread t = Thread.ofPlatform().daemon().name("greenhub-jdk-pollers").start(JdkPollers::initialize);
                boolean interrupted = false;
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            } else {
                initialize();
            }
            started = true;
        }
    }

    private static void initialize() {
        if (System.getProperty(MODE) == null) {
            System.setProperty(MODE, "1");
        }
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // A JDK without that class polls some other way: nothing to keep off the hubs.
            System.getLogger("org.greenhub.hub").log(Level.DEBUG, "no JDK socket poller to start: " + e);
        }
    }
}
