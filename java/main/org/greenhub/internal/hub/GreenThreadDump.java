package org.greenhub.internal.hub;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The text of {@code Debug.dumpGreenThreads()}: per hub, each live green thread's name,
 * state (running, runnable, waiting), what it waits for and its stack. The list of a
 * hub's green threads is read on the hub itself; a hub that does not answer within a
 * second (it is blocked) is read as it is, which may miss a thread starting or ending.
 */
public final class GreenThreadDump {
    private GreenThreadDump() {
    }

    /** Every running hub. */
    public static String all() {
        return of(HubLoop.running());
    }

    static String of(List<HubLoop> hubs) {
        StringBuilder b = new StringBuilder();
        for (HubLoop hub : hubs) {
            List<Strand> strands = snapshot(hub);
            Thread carrier = hub.carrier();
            b.append("hub ").append(hub.label()).append(" on ").append(carrier == null ? "-" : carrier.getName())
                    .append(": ").append(strands.size()).append(" green thread").append(strands.size() == 1 ? "" : "s")
                    .append(", ").append(hub.queued()).append(" queued, ").append(hub.pendingTimers()).append(" timers\n");
            Object task = hub.runningTask();
            Thread running = task == null ? null : Watchdog.threadOf(task);
            for (Strand s : strands) {
                Thread t = s.javaThread();
                String state = t == running || t == Thread.currentThread() ? "running"
                        : t.getState() == Thread.State.RUNNABLE ? "runnable" : "waiting";
                b.append("  \"").append(Watchdog.nameOf(t)).append("\" ").append(state);
                if (state.equals("waiting")) {
                    b.append(" on ").append(describe(LockSupport.getBlocker(t), t, s.waitDeadline));
                }
                b.append('\n').append(Watchdog.format(t.getStackTrace()).replace("\tat ", "    at "));
            }
        }
        return b.toString();
    }

    /** The hub's live green threads, read on the hub (or as they are, when it does not answer). */
    private static List<Strand> snapshot(HubLoop hub) {
        if (hub.isHubThread()) {
            return hub.liveStrands();
        }
        CompletableFuture<List<Strand>> f = new CompletableFuture<>();
        hub.schedule(java.time.Duration.ZERO, () -> f.complete(hub.liveStrands()));
        try {
            return f.get(1, TimeUnit.SECONDS);
        } catch (Exception busy) {
            try {
                return hub.liveStrands();
            } catch (RuntimeException racing) {
                return List.of();
            }
        }
    }

    /** What a waiting green thread waits for, from its park blocker. */
    static String describe(Object blocker, Thread t, long deadline) {
        String what;
        if (blocker == null) {
            what = "a JDK call (no blocker recorded)";
        } else if (blocker instanceof PollState[] states) {
            StringBuilder b = new StringBuilder();
            for (PollState s : states) {
                b.append(b.length() == 0 ? "socket fd " : ", fd ").append(s.fd)
                        .append(s.reader == t ? " (read)" : s.writer == t ? " (write)" : "");
            }
            what = b.length() == 0 ? "a socket" : b.toString();
        } else if (blocker.getClass().getName().startsWith("org.greenhub.")) {
            what = blocker.toString();
        } else {
            what = blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker));
        }
        if (deadline != Parking.NO_DEADLINE && deadline != 0) {
            what += ", deadline in " + (deadline - System.nanoTime()) / 1_000_000 + " ms";
        }
        return what;
    }
}
