package org.greenhub.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.locks.LockSupport;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.queue.LightQueue;

/**
 * Switch, the runtime against the JDK's scheduler (issue #15): two threads ping-pong
 * a token through two queues of capacity 1, {@code ops} round trips (default
 * 1,000,000); time per round trip (two switches: each side parks in its get until the
 * other puts). A plain main program, one variant per JVM:
 * <ul>
 * <li>{@code greenhub-lightqueue}: two green threads of one hub, two {@code LightQueue(1)};</li>
 * <li>{@code jdk-abq}: two JDK virtual threads, two {@code ArrayBlockingQueue(1)};</li>
 * <li>{@code jdk-sq}: two JDK virtual threads, two {@code SynchronousQueue}s;</li>
 * <li>{@code greenhub-park} and {@code jdk-park}: no queue, the bare hand-off under both:
 *     each side passes a volatile turn and unparks the other ({@code LockSupport}), then
 *     parks until the turn is back.</li>
 * </ul>
 * The JDK variants run on the scheduler the JVM is given (the driver runs them at
 * {@code -Djdk.virtualThreadScheduler.parallelism=1} and at the default); the greenhub
 * ones run every iteration in one {@code Green.run}, the hub started once per JVM.
 * {@code java <flags> -cp benchmarks.jar org.greenhub.bench.PingPong <variant> [ops]
 * [warm-up iterations] [measured iterations]}; {@link RuntimeCompare} (through
 * {@code ci/bench --runtime}) runs it in fresh JVMs side by side with its peers.
 */
public final class PingPong {
    private PingPong() {
    }

    static final int DEFAULT_OPS = 1_000_000;
    private static final Integer TOKEN = 42;

    public static void main(String[] args) throws Exception {
        String variant = args.length > 0 ? args[0] : "greenhub-lightqueue";
        switch (variant) {
            case "greenhub-lightqueue" -> Iterations.onHub(variant, args, DEFAULT_OPS, PingPong::green);
            case "jdk-abq" -> Iterations.main(variant, args, DEFAULT_OPS,
                    n -> jdk(n, new ArrayBlockingQueue<>(1), new ArrayBlockingQueue<>(1)));
            case "jdk-sq" -> Iterations.main(variant, args, DEFAULT_OPS,
                    n -> jdk(n, new SynchronousQueue<>(), new SynchronousQueue<>()));
            case "greenhub-park" -> Iterations.onHub(variant, args, DEFAULT_OPS, PingPong::greenPark);
            case "jdk-park" -> Iterations.main(variant, args, DEFAULT_OPS, PingPong::jdkPark);
            default -> throw new IllegalArgumentException("unknown variant " + variant
                    + " (greenhub-lightqueue, jdk-abq, jdk-sq, greenhub-park, jdk-park)");
        }
    }

    /** On the hub's main green thread (Iterations.onHub). */
    static long green(int n) {
        LightQueue<Integer> ping = new LightQueue<>(1);
        LightQueue<Integer> pong = new LightQueue<>(1);
        GreenThread<Void> ponger = Green.spawn(() -> {
            for (int i = 0; i < n; i++) {
                pong.put(ping.get());
            }
        });
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ping.put(TOKEN);
            pong.get();
        }
        long t = System.nanoTime() - t0;
        ponger.await();
        return t;
    }

    /**
     * The turn of the bare hand-off: 0 the pinger's, 1 the ponger's. Both threads are
     * known before either runs (no yield loop waiting for the other to start: on one JDK
     * carrier a yielding thread can keep the carrier from a thread not started yet).
     */
    static final class Turn {
        volatile int turn;
        Thread pinger;
        Thread ponger;

        long ping(int n) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                turn = 1;
                LockSupport.unpark(ponger);
                while (turn != 0) {
                    LockSupport.park(this);
                }
            }
            return System.nanoTime() - t0;
        }

        void pong(int n) {
            for (int i = 0; i < n; i++) {
                while (turn != 1) {
                    LockSupport.park(this);
                }
                turn = 0;
                LockSupport.unpark(pinger);
            }
        }
    }

    /** On the hub's main green thread (Iterations.onHub). */
    static long greenPark(int n) {
        Turn t = new Turn();
        t.pinger = Thread.currentThread();
        GreenThread<Void> ponger = Green.spawn(() -> t.pong(n)); // runs once the pinger parks
        t.ponger = ponger.thread();
        long d = t.ping(n);
        ponger.await();
        return d;
    }

    static long jdkPark(int n) throws Exception {
        Turn t = new Turn();
        long[] elapsed = new long[1];
        Thread ponger = Thread.ofVirtual().unstarted(() -> t.pong(n));
        Thread pinger = Thread.ofVirtual().unstarted(() -> elapsed[0] = t.ping(n));
        t.pinger = pinger;
        t.ponger = ponger;
        ponger.start();
        pinger.start();
        pinger.join();
        ponger.join();
        return elapsed[0];
    }

    static long jdk(int n, BlockingQueue<Integer> ping, BlockingQueue<Integer> pong) throws Exception {
        long[] elapsed = new long[1];
        Thread ponger = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread pinger = Thread.ofVirtual().start(() -> {
            try {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    ping.put(TOKEN);
                    pong.take();
                }
                elapsed[0] = System.nanoTime() - t0;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        pinger.join();
        ponger.join();
        if (elapsed[0] == 0) {
            throw new IllegalStateException("the pinger failed");
        }
        return elapsed[0];
    }
}
