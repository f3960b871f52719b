package org.greenhub.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.greenhub.Green;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Spawn: start an empty task and wait until it has run, per task.
 *
 * <p>{@code greenSpawnN}: inside one {@code Green.run}, rounds of {@value #BATCH}
 * {@code Green.spawnN} of an empty task, then {@code Green.sleep()} until the whole
 * round has run. {@code jdkVirtualThread}: the same with {@code Thread.ofVirtual().start}
 * on the default scheduler, the round awaited with a {@link CountDownLatch}.
 * {@value #TASKS} tasks per invocation amortize {@code Green.run}'s hub start.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // the forks inherit the host JVM's flags (ci/bench passes ci/jvm.properties' flags)
public class SpawnBenchmark {
    @Setup
    public void reportHub() {
        Flags.reportHub();
    }

    static final int BATCH = 1_000;
    static final int ROUNDS = 100;
    static final int TASKS = BATCH * ROUNDS;

    int ran; // green tasks: all on the hub's one carrier, no atomics needed

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int greenSpawnN() {
        ran = 0;
        return Green.run(() -> {
            for (int r = 1; r <= ROUNDS; r++) {
                for (int i = 0; i < BATCH; i++) {
                    Green.spawnN(() -> ran++);
                }
                int target = r * BATCH;
                while (ran < target) {
                    Green.sleep();
                }
            }
            return ran;
        });
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long jdkVirtualThread() throws InterruptedException {
        long started = 0;
        for (int r = 0; r < ROUNDS; r++) {
            CountDownLatch done = new CountDownLatch(BATCH);
            Runnable task = done::countDown;
            for (int i = 0; i < BATCH; i++) {
                Thread.ofVirtual().start(task);
                started++;
            }
            done.await();
        }
        return started;
    }
}
