package org.greenhub;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Strand;

/**
 * eventlet.tpool: runs blocking work (file I/O, native calls, host name lookups)
 * on a pool of platform threads, so that only the calling green thread waits and
 * its hub goes on running the others.
 *
 * <p>Pool size: system property {@code greenhub.threadpool.size} (default 20), read
 * when the pool starts (first use). A caller killed or timed out while it waits
 * leaves at once; a call already running finishes in the background and its result
 * is dropped, one still queued never runs. The pool's threads are daemon threads
 * named {@code greenhub-tpool-N}.
 */
public final class Tpool {
    /** The system property that sets the pool size. */
    public static final String SIZE_PROPERTY = "greenhub.threadpool.size";
    static final int DEFAULT_SIZE = 20;

    private static volatile ExecutorService pool;

    private Tpool() {
    }

    /**
     * Runs {@code fn} on a pool thread and waits for it (a green caller parks and its
     * hub runs the others, a plain one blocks); returns its result or rethrows its
     * exception: unchecked as is, checked wrapped in {@link GreenException}. Called
     * from a pool thread, runs {@code fn} inline. There is no time limit (use a
     * {@link Timeout}).
     *
     * @param <T> the type of the result
     * @param fn the blocking work
     * @return what {@code fn} returned
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalArgumentException if the pool is to start and {@value #SIZE_PROPERTY}
     *         is not a positive integer
     * @throws GreenException wrapping a checked exception of {@code fn}; or, if the
     *         calling thread is interrupted while it waits, an InterruptedException
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws RuntimeException an unchecked exception (or error) of {@code fn}, as is
     */
    public static <T> T execute(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        try {
            return call(fn);
        } catch (Throwable t) {
            throw GreenException.rethrow(t);
        }
    }

    /**
     * A proxy of {@code target} whose every call runs through {@link #execute}. The
     * target's exceptions arrive as themselves, checked ones declared by the
     * interface method included (an undeclared checked one arrives as the
     * {@link java.lang.reflect.UndeclaredThrowableException} of
     * {@link java.lang.reflect.Proxy}). {@code equals} (identity of the proxy),
     * {@code hashCode} and {@code toString} run in the caller. Each call waits as
     * {@link #execute} does and throws what it throws when the caller is killed,
     * timed out or interrupted.
     *
     * @param <T> the interface type
     * @param target the object whose methods block
     * @param iface the interface to proxy; it may be non-public
     * @return the proxy
     * @throws NullPointerException if {@code target} or {@code iface} is null
     * @throws IllegalArgumentException if {@code iface} is not an interface or
     *         {@code target} does not implement it
     */
    @SuppressWarnings("unchecked")
    public static <T> T proxy(T target, Class<T> iface) {
        Objects.requireNonNull(target, "target");
        if (!iface.isInterface() || !iface.isInstance(target)) {
            throw new IllegalArgumentException(target.getClass().getName() + " does not implement interface " + iface.getName());
        }
        return (T) Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, target, m, args);
            }
            m.trySetAccessible(); // the interface may be non-public (the JDK's Proxy allows that)
            return call(() -> {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw Tpool.<RuntimeException>sneaky(e.getCause()); // the target's own exception
                }
            });
        });
    }

    /** equals is identity of proxies; hashCode and toString need no pool thread. */
    private static Object objectMethod(Object proxy, Object target, Method m, Object[] args) {
        return switch (m.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "Tpool.proxy(" + target + ")";
        };
    }

    /**
     * Whether the current thread is one of the pool's threads.
     *
     * @return true on a pool thread
     */
    public static boolean isPoolThread() {
        return Thread.currentThread() instanceof Worker;
    }

    /** {@link #execute} without wrapping: whatever {@code fn} threw is thrown as is. */
    private static <T> T call(Callable<T> fn) throws Exception {
        if (isPoolThread()) {
            return fn.call(); // already off the hub: waiting on ourselves could deadlock a full pool
        }
        Task<T> task = new Task<>(fn, Thread.currentThread());
        pool().execute(task);
        Strand me = Strand.current();
        try {
            while (task.state.get() != Task.DONE) {
                Parking.park(me, task, Parking.NO_DEADLINE);
            }
        } finally {
            task.state.compareAndSet(Task.QUEUED, Task.ABANDONED); // killed or timed out: never start it
        }
        if (task.failure != null) {
            throw Tpool.<RuntimeException>sneaky(task.failure);
        }
        return task.result;
    }

    /** Throws {@code t} as it is, checked or not (the compiler is told it is a T). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Tpool.class) {
                p = pool;
                if (p == null) {
                    int size = sizeFrom(System.getProperty(SIZE_PROPERTY));
                    AtomicInteger seq = new AtomicInteger();
                    pool = p = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                            r -> new Worker(r, "greenhub-tpool-" + seq.incrementAndGet()));
                }
            }
        }
        return p;
    }

    /** The pool size a value of {@link #SIZE_PROPERTY} means (null: the default). */
    static int sizeFrom(String value) {
        if (value == null) {
            return DEFAULT_SIZE;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(SIZE_PROPERTY + " must be a positive integer, not \"" + value + "\"");
    }

    private static final class Worker extends Thread {
        Worker(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    /** One call: the pool thread fills in the outcome and wakes the waiter. */
    private static final class Task<T> implements Runnable {
        static final int QUEUED = 0, RUNNING = 1, DONE = 2, ABANDONED = 3;
        final AtomicInteger state = new AtomicInteger(QUEUED);
        final Callable<T> fn;
        final Thread waiter;
        T result;            // written before state becomes DONE
        Throwable failure;

        Task(Callable<T> fn, Thread waiter) {
            this.fn = fn;
            this.waiter = waiter;
        }

        @Override
        public String toString() {
            return "a Tpool call"; // what Debug.dumpGreenThreads() says its caller waits on
        }

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return; // abandoned while queued
            }
            try {
                result = fn.call();
            } catch (Throwable t) {
                failure = t;
            }
            state.set(DONE);
            Parking.unpark(waiter);
        }
    }
}
