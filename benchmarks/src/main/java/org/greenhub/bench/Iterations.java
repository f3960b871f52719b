package org.greenhub.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The in-JVM part of the runtime comparison ({@link RuntimeCompare}): runs a timed
 * workload for some warm-up iterations, then some measured ones, and prints one
 * line per iteration and a last line {@code RESULT <variant> <median ns per op>
 * <median bytes allocated per op> <median process CPU ns per op>} that the driver
 * reads. Wall time is what the comparison is about; the process's CPU time (every
 * thread: carriers, GC, JIT) is printed beside it because it moves less when other
 * processes share the machine. Each iteration starts after a {@code System.gc()},
 * so that one iteration's garbage is not collected in the next one's time.
 */
final class Iterations {
    private Iterations() {
    }

    /** One iteration of a workload: runs {@code ops} operations, returns the nanoseconds they took. */
    interface Workload {
        long run(int ops) throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * Arguments after the variant: {@code [ops] [warm-up iterations] [measured iterations]}.
     */
    static void main(String variant, String[] args, int defaultOps, Workload w) throws Exception {
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : defaultOps;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int measured = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        double[] nanos = new double[measured];
        double[] bytes = new double[measured];
        double[] cpu = new double[measured];
        for (int i = -warmup; i < measured; i++) {
            System.gc();
            long allocated = THREADS.getTotalThreadAllocatedBytes();
            long cpu0 = OS.getProcessCpuTime();
            long t = w.run(ops);
            long c = OS.getProcessCpuTime() - cpu0;
            long b = THREADS.getTotalThreadAllocatedBytes() - allocated;
            System.out.printf(Locale.ROOT, "%s %d: %.1f ns/op, %.0f B/op, CPU %.1f ns/op%n",
                    i < 0 ? "warm-up" : "iteration", i < 0 ? i + warmup + 1 : i + 1,
                    (double) t / ops, (double) b / ops, (double) c / ops);
            if (i >= 0) {
                nanos[i] = (double) t / ops;
                bytes[i] = (double) b / ops;
                cpu[i] = (double) c / ops;
            }
        }
        System.out.printf(Locale.ROOT, "RESULT %s %.2f %.1f %.2f%n", variant, median(nanos), median(bytes), median(cpu));
    }

    /**
     * {@link #main} for a greenhub variant: every iteration runs in one {@code Green.run},
     * on its main green thread, so that the hub is started once per JVM as the JDK's
     * scheduler is (a hub's run queue, once grown, stays grown, as a ForkJoinPool's queues do).
     */
    static void onHub(String variant, String[] args, int defaultOps, Workload w) {
        org.greenhub.Green.run(() -> main(variant, args, defaultOps, w));
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
