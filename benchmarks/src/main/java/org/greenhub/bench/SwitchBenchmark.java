package org.greenhub.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.greenhub.Green;
import org.greenhub.GreenThread;
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
 * Switch: two threads handing a turn back and forth, per hand-off.
 *
 * <p>{@code greenParkUnpark}: two green threads of one hub, each parking
 * ({@code LockSupport.park}) until the other passes it the turn and unparks it.
 * {@code jdkParkUnpark}: the same code on two JDK virtual threads of the default
 * scheduler. {@code greenSleepYield}: two green threads each calling
 * {@code Green.sleep()} in a loop, so that every yield hands the hub to the other.
 * Each invocation makes {@value #HANDOFFS} hand-offs, which amortizes
 * {@code Green.run}'s hub start.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // the forks inherit the host JVM's flags (ci/bench passes ci/jvm.properties' flags)
public class SwitchBenchmark {
    @Setup
    public void reportHub() {
        Flags.reportHub();
    }

    static final int ROUND_TRIPS = 50_000;
    static final int HANDOFFS = 2 * ROUND_TRIPS;

    /** The turn passed between the pinger (0) and the ponger (1). */
    static final class PingPong {
        volatile int turn;
        volatile Thread pinger;
        volatile Thread ponger;

        void ping() {
            pinger = Thread.currentThread();
            while (ponger == null) {
                Thread.yield();
            }
            for (int i = 0; i < ROUND_TRIPS; i++) {
                turn = 1;
                LockSupport.unpark(ponger);
                while (turn != 0) {
                    LockSupport.park(this);
                }
            }
        }

        void pong() {
            ponger = Thread.currentThread();
            for (int i = 0; i < ROUND_TRIPS; i++) {
                while (turn != 1) {
                    LockSupport.park(this);
                }
                turn = 0;
                while (pinger == null) {
                    Thread.yield();
                }
                LockSupport.unpark(pinger);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public int greenParkUnpark() {
        PingPong p = new PingPong();
        return Green.run(() -> {
            GreenThread<Void> ponger = Green.spawn(p::pong);
            p.ping();
            ponger.await();
            return p.turn;
        });
    }

    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public int jdkParkUnpark() throws InterruptedException {
        PingPong p = new PingPong();
        Thread ponger = Thread.ofVirtual().start(p::pong);
        Thread pinger = Thread.ofVirtual().start(p::ping);
        pinger.join();
        ponger.join();
        return p.turn;
    }

    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public int greenSleepYield() {
        return Green.run(() -> {
            GreenThread<Integer> other = Green.spawn(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Green.sleep();
                }
                return ROUND_TRIPS;
            });
            for (int i = 0; i < ROUND_TRIPS; i++) {
                Green.sleep();
            }
            return other.await();
        });
    }
}
