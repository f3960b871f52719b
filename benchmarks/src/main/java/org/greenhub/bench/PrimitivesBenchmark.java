package org.greenhub.bench;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.GreenThread;
import org.greenhub.queue.LightQueue;
import org.greenhub.sync.GreenSemaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The primitives against java.util.concurrent on JDK virtual threads of the
 * default scheduler, per item or per hand-off:
 * <ul>
 * <li>{@code queue*}: a producer puts {@value #ITEMS} items that a consumer gets,
 *     through a bounded queue ({@code capacity} 1: every item is a hand-off; 1024:
 *     buffered) — LightQueue vs ArrayBlockingQueue;</li>
 * <li>{@code channel*}: the same through a channel — LightQueue(0) vs SynchronousQueue;</li>
 * <li>{@code semaphore*}: two threads passing a turn through two semaphores of no
 *     permits (release the other's, acquire one's own), per hand-off —
 *     GreenSemaphore vs Semaphore;</li>
 * <li>{@code imap*}: {@value #IMAP_TASKS} trivial tasks, results consumed in input
 *     order with at most 1000 running — GreenPool.imap vs a virtual-thread-per-task
 *     executor with a window of 1000 futures.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // the forks inherit the host JVM's flags (ci/bench passes ci/jvm.properties' flags)
public class PrimitivesBenchmark {
    static final int ITEMS = 100_000;
    static final int ROUND_TRIPS = 50_000;
    static final int IMAP_TASKS = 1_000_000;
    static final int POOL_SIZE = 1000;
    private static final Integer ITEM = 42;

    @Param({"1", "1024"})
    int capacity;

    @Setup
    public void reportHub() {
        Flags.reportHub();
    }

    // ---- queues -------------------------------------------------------------------

    private static long greenQueue(LightQueue<Integer> q) {
        return Green.run(() -> {
            GreenThread<Long> consumer = Green.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < ITEMS; i++) {
                    sum += q.get();
                }
                return sum;
            });
            for (int i = 0; i < ITEMS; i++) {
                q.put(ITEM);
            }
            return consumer.await();
        });
    }

    private static long jdkQueue(BlockingQueue<Integer> q) throws InterruptedException {
        long[] sum = {0};
        Thread consumer = Thread.ofVirtual().start(() -> {
            long s = 0;
            try {
                for (int i = 0; i < ITEMS; i++) {
                    s += q.take();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            sum[0] = s;
        });
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ITEMS; i++) {
                    q.put(ITEM);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.join();
        consumer.join();
        return sum[0];
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long queueGreen() {
        return greenQueue(new LightQueue<>(capacity));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long queueJdkArrayBlockingQueue() throws InterruptedException {
        return jdkQueue(new ArrayBlockingQueue<>(capacity));
    }

    // ---- the benchmarks without a capacity ------------------------------------------

    /** Channel and semaphore hand-offs and imap (a nested class: no capacity parameter). */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Fork(1) // the forks inherit the host JVM's flags (ci/bench passes ci/jvm.properties' flags)
    public static class HandOff {
        @Setup
        public void reportHub() {
            Flags.reportHub();
        }

        @Benchmark
        @OperationsPerInvocation(ITEMS)
        public long channelGreen() {
            return greenQueue(new LightQueue<>(0));
        }

        @Benchmark
        @OperationsPerInvocation(ITEMS)
        public long channelJdkSynchronousQueue() throws InterruptedException {
            return jdkQueue(new SynchronousQueue<>());
        }

        @Benchmark
        @OperationsPerInvocation(2 * ROUND_TRIPS)
        public int semaphoreGreen() {
            GreenSemaphore ping = new GreenSemaphore(0);
            GreenSemaphore pong = new GreenSemaphore(0);
            return Green.run(() -> {
                GreenThread<Integer> other = Green.spawn(() -> {
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        ping.acquire();
                        pong.release();
                    }
                    return ROUND_TRIPS;
                });
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ping.release();
                    pong.acquire();
                }
                return other.await();
            });
        }

        @Benchmark
        @OperationsPerInvocation(2 * ROUND_TRIPS)
        public int semaphoreJdk() throws InterruptedException {
            Semaphore ping = new Semaphore(0);
            Semaphore pong = new Semaphore(0);
            Thread other = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        ping.acquire();
                        pong.release();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread me = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        ping.release();
                        pong.acquire();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            me.join();
            other.join();
            return ping.availablePermits() + pong.availablePermits();
        }

        // ---- imap ---------------------------------------------------------------------

        /** 0, 1, ..., n-1 without a list in memory. */
        static Iterable<Integer> range(int n) {
            return () -> new Iterator<>() {
                int next;

                @Override
                public boolean hasNext() {
                    return next < n;
                }

                @Override
                public Integer next() {
                    return next++;
                }
            };
        }

        @Benchmark
        @OperationsPerInvocation(IMAP_TASKS)
        public long imapGreenPool() {
            return Green.run(() -> {
                GreenPool pool = new GreenPool(POOL_SIZE);
                Iterator<Integer> results = pool.imap(x -> x + 1, range(IMAP_TASKS));
                long sum = 0;
                while (results.hasNext()) {
                    sum += results.next();
                }
                return sum;
            });
        }

        @Benchmark
        @OperationsPerInvocation(IMAP_TASKS)
        public long imapJdkVirtualThreads() throws InterruptedException, ExecutionException {
            long sum = 0;
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                ArrayDeque<Future<Integer>> window = new ArrayDeque<>(POOL_SIZE);
                for (int i = 0; i < IMAP_TASKS; i++) {
                    if (window.size() == POOL_SIZE) {
                        sum += window.poll().get();
                    }
                    int x = i;
                    window.add(ex.submit(() -> x + 1));
                }
                while (!window.isEmpty()) {
                    sum += window.poll().get();
                }
            }
            return sum;
        }
    }
}
