package org.greenhub.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.greenhub.Green;

/**
 * Heap held by an idle thread: {@value #DEFAULT_THREADS} green threads parked in
 * {@code Green.sleep(Duration.ofHours(1))}, and for comparison as many JDK virtual
 * threads (default scheduler) parked in {@code Thread.sleep}. Each round forces GC,
 * reads the used heap, starts the threads, waits until every one is parked, forces
 * GC again and divides the difference by the count; the median of the rounds is
 * printed as "idle green thread: N bytes". Not a JMH benchmark: run it with the
 * flags of the README, e.g. {@code java <flags> -cp benchmarks.jar
 * org.greenhub.bench.IdleMemory [threads] [rounds]}.
 */
public final class IdleMemory {
    static final int DEFAULT_THREADS = 100_000;
    static final int DEFAULT_ROUNDS = 5;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private IdleMemory() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_THREADS;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_ROUNDS;
        long[] green = new long[rounds];
        long[] jdk = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            green[r] = greenRound(threads);
            jdk[r] = jdkRound(threads);
            System.out.printf("round %d: green %d bytes, jdk virtual %d bytes%n", r + 1, green[r], jdk[r]);
        }
        System.out.printf("idle green thread: %d bytes%n", median(green));
        System.out.printf("idle JDK virtual thread: %d bytes%n", median(jdk));
    }

    /** Bytes of heap per green thread parked in a one-hour sleep. */
    static long greenRound(int n) {
        long before = usedAfterGc();
        return Green.run(() -> {
            int[] parked = {0};
            for (int i = 0; i < n; i++) {
                Green.spawnN(() -> {
                    parked[0]++;
                    Green.sleep(Duration.ofHours(1));
                });
            }
            // sleep() runs every scheduled green thread: each one runs up to its park.
            while (parked[0] < n) {
                Green.sleep();
            }
            Green.sleep();
            long after = usedAfterGc();
            return (after - before) / n;
            // Green.run kills the sleepers when this returns.
        });
    }

    /** Bytes of heap per JDK virtual thread parked in a one-hour Thread.sleep. */
    static long jdkRound(int n) throws InterruptedException {
        long before = usedAfterGc();
        Thread[] threads = new Thread[n];
        CountDownLatch started = new CountDownLatch(n);
        Runnable sleeper = () -> {
            started.countDown();
            try {
                Thread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                // ends the thread
            }
        };
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(sleeper);
        }
        started.await();
        for (Thread t : threads) {
            while (t.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
        }
        long after = usedAfterGc();
        // The array of handles is the test's, not the threads': leave it out.
        long perThread = (after - before - arrayBytes(n)) / n;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join();
        }
        return perThread;
    }

    private static long arrayBytes(int n) {
        return 16 + 4L * n; // compressed references
    }

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
