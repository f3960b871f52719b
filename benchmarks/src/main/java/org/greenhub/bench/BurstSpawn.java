package org.greenhub.bench;

import java.util.concurrent.CountDownLatch;
import org.greenhub.Green;
import org.greenhub.GreenPool;

/**
 * Burst spawn, the runtime against the JDK's scheduler (issue #15): spawn
 * {@code ops} (default 1,000,000) threads that each increment a counter, all spawned
 * before any of them runs, then wait until all have run. Time from the first spawn to
 * the end of the wait, per spawn. A plain main program, one variant per JVM:
 * <ul>
 * <li>{@code greenhub-spawnN}: on a hub's main green thread, {@code Green.spawnN(() -> ran++)}
 *     {@code ops} times, then {@code Green.sleep()} until {@code ran == ops} (the
 *     spawner's first yield runs them all: they were queued before it);</li>
 * <li>{@code greenhub-pool-spawnN}: the same through {@code GreenPool(ops).spawnN},
 *     then {@code pool.waitAll()};</li>
 * <li>{@code jdk-vthreads}: a JDK virtual thread spawns {@code ops} virtual threads
 *     with {@code Thread.ofVirtual().start(latch::countDown)}, then awaits the
 *     {@link CountDownLatch}. With {@code -Djdk.virtualThreadScheduler.parallelism=1}
 *     the spawner holds the one carrier until it waits, so none runs before all are
 *     spawned, as on a hub; at the default parallelism the other carriers run them
 *     while it spawns.</li>
 * </ul>
 * The greenhub variants run every iteration in one {@code Green.run}: the hub is
 * started once per JVM, as the JDK's scheduler is.
 * {@code java <flags> -cp benchmarks.jar org.greenhub.bench.BurstSpawn <variant> [ops]
 * [warm-up iterations] [measured iterations]}; {@link RuntimeCompare} (through
 * {@code ci/bench --runtime}) runs it in fresh JVMs side by side with its peers.
 */
public final class BurstSpawn {
    private BurstSpawn() {
    }

    static final int DEFAULT_OPS = 1_000_000;

    private static int ran; // greenhub: every task runs on the hub's one carrier

    public static void main(String[] args) throws Exception {
        String variant = args.length > 0 ? args[0] : "greenhub-spawnN";
        switch (variant) {
            case "greenhub-spawnN" -> Iterations.onHub(variant, args, DEFAULT_OPS, BurstSpawn::greenSpawnN);
            case "greenhub-pool-spawnN" -> Iterations.onHub(variant, args, DEFAULT_OPS, BurstSpawn::greenPoolSpawnN);
            case "jdk-vthreads" -> Iterations.main(variant, args, DEFAULT_OPS, BurstSpawn::jdkVirtualThreads);
            default -> throw new IllegalArgumentException("unknown variant " + variant
                    + " (greenhub-spawnN, greenhub-pool-spawnN, jdk-vthreads)");
        }
    }

    /** On the hub's main green thread (Iterations.onHub). */
    static long greenSpawnN(int n) {
        ran = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Green.spawnN(() -> ran++);
        }
        while (ran < n) {
            Green.sleep();
        }
        return System.nanoTime() - t0;
    }

    /** On the hub's main green thread (Iterations.onHub). */
    static long greenPoolSpawnN(int n) {
        ran = 0;
        long t0 = System.nanoTime();
        GreenPool pool = new GreenPool(n);
        for (int i = 0; i < n; i++) {
            pool.spawnN(() -> ran++);
        }
        pool.waitAll();
        long t = System.nanoTime() - t0;
        if (ran != n) {
            throw new IllegalStateException(ran + " of " + n + " ran");
        }
        return t;
    }

    static long jdkVirtualThreads(int n) throws Exception {
        long[] elapsed = new long[1];
        Thread spawner = Thread.ofVirtual().start(() -> {
            CountDownLatch done = new CountDownLatch(n);
            Runnable task = done::countDown;
            Thread.Builder.OfVirtual b = Thread.ofVirtual();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                b.start(task);
            }
            try {
                done.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            elapsed[0] = System.nanoTime() - t0;
        });
        spawner.join();
        if (elapsed[0] == 0) {
            throw new IllegalStateException("the spawner failed");
        }
        return elapsed[0];
    }
}
