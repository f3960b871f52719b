package org.greenhub.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The floor under a green switch: the JDK's own continuation, mounted with
 * {@code run()} and unmounted with {@code Continuation.yield}, with no scheduler at
 * all. A green hand-off is one such unmount (the yielding thread) and one mount (the
 * next one) plus the hub's run queue; the difference between
 * {@code SwitchBenchmark.greenParkUnpark} and this is what greenhub adds.
 * Needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} (in the fork's flags).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"})
public class FloorBenchmark {
    static final int SWITCHES = 100_000;
    private static final MethodHandle NEW_SCOPE, NEW_CONT, RUN, YIELD, IS_DONE;
    private static final Object SCOPE;

    static {
        try {
            Class<?> scope = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> cont = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup l = MethodHandles.lookup();
            NEW_SCOPE = l.findConstructor(scope, MethodType.methodType(void.class, String.class));
            NEW_CONT = l.findConstructor(cont, MethodType.methodType(void.class, scope, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            RUN = l.findVirtual(cont, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            IS_DONE = l.findVirtual(cont, "isDone", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            YIELD = l.findStatic(cont, "yield", MethodType.methodType(boolean.class, scope))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            SCOPE = NEW_SCOPE.invoke("bench");
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    /** One run() + one yield per switch, SWITCHES times. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public int continuationRunYield() throws Throwable {
        int[] n = {0};
        Runnable body = () -> {
            try {
                while (true) {
                    n[0]++;
                    boolean ignored = (boolean) YIELD.invokeExact(SCOPE);
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        };
        Object c = (Object) NEW_CONT.invokeExact(SCOPE, body);
        for (int i = 0; i < SWITCHES; i++) {
            RUN.invokeExact(c);
        }
        return n[0];
    }
}
