package org.greenhub.bench;

import java.util.concurrent.TimeUnit;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.hub.HubGroup;
import org.greenhub.hub.Hubs;
import org.greenhub.queue.LightQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A queue hand-off between hubs next to the same hand-off inside one hub, per hand-off:
 * two green threads pass a token back and forth through two {@code LightQueue(1)}.
 * {@code sameHub}: both on one hub of a two-hub group. {@code acrossHubs}: one on each
 * hub, so that every hand-off wakes the other hub: an inbox push, plus one poller
 * wake-up (an eventfd write on epoll) when that hub was waiting in its poll, none when
 * it was awake.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class CrossHubBenchmark {
    static final int ROUND_TRIPS = 20_000;
    HubGroup group;

    @Setup(Level.Trial)
    public void start() {
        Flags.reportHub();
        group = Hubs.group(2);
    }

    @TearDown(Level.Trial)
    public void stop() {
        group.close();
    }

    private int pingPong(boolean across) {
        LightQueue<Integer> there = new LightQueue<>(1), back = new LightQueue<>(1);
        GreenThread<Integer> ponger = group.spawn(() -> {
            int n = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                back.put(there.get());
                n++;
            }
            return n;
        });
        if (!across) {
            group.spawn(() -> null); // round robin: the pinger lands on the ponger's hub
        }
        GreenThread<Integer> pinger = group.spawn(() -> {
            int sum = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                there.put(i);
                sum += back.get();
            }
            return sum;
        });
        if (across) {
            group.spawn(() -> null); // keep the round robin even for the next invocation
        }
        return pinger.await() + ponger.await();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public int sameHub() {
        return pingPong(false);
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public int acrossHubs() {
        return pingPong(true);
    }
}
