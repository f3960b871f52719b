package org.greenhub.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.GreenRunnable;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.internal.hub.HubKinds;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.Spawning;
import org.greenhub.internal.hub.Parking;

/**
 * Several hubs, each on its own carrier thread, for a server that uses every core: Netty's
 * event loop group for green threads. Made by {@link Hubs#group(int)}. Green threads
 * stay on the hub they were spawned on; the primitives, queues and sockets work across
 * hubs (a wake-up from another hub is a queue push plus at most one poller wake-up).
 *
 * <p>A multi-core server runs its accept loop on every hub, each with its own
 * SO_REUSEPORT listener on the same address, so that the kernel spreads the connections:
 * <pre>{@code
 * try (HubGroup group = Hubs.group()) {
 *     group.each(() -> Green.serve(Green.listen(addr, 1024, true), handler, 10_000));
 * }
 * }</pre>
 * Carrier threads are daemon threads named {@code greenhub-<kind>-<index>}; they run
 * until {@link #close()}.
 */
public final class HubGroup implements AutoCloseable {
    static {
        try { // GreenThread's initializer installs the spawner this class uses
            Class.forName(GreenThread.class.getName(), true, HubGroup.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<HubLoop> loops;
    private final List<Hub> hubs;
    private final List<Thread> carriers;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;
    private final java.util.Set<Ended> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet(); // each() calls under way

    HubGroup(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a hub group needs at least one hub, not " + n);
        }
        List<HubLoop> ls = new ArrayList<>(n);
        List<Thread> ts = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                HubLoop loop = HubKinds.open();
                ls.add(loop);
                ts.add(Thread.ofPlatform().name("greenhub-" + loop.name() + "-" + i).daemon(true).unstarted(() -> run(loop)));
            }
        } catch (RuntimeException e) {
            ls.forEach(HubLoop::close);
            throw e;
        }
        loops = List.copyOf(ls);
        carriers = List.copyOf(ts);
        hubs = loops.stream().map(Hub::of).toList();
        carriers.forEach(Thread::start);
    }

    /** A carrier: the loop until the group closes, then its green threads are killed and the hub closed. */
    private void run(HubLoop loop) {
        try {
            loop.loop(() -> closed);
            loop.killAllAndDrain(GreenThreadExit::new);
        } finally {
            loop.close();
        }
    }

    /**
     * The number of hubs.
     *
     * @return at least 1
     */
    public int size() {
        return loops.size();
    }

    /**
     * The hubs, in index order.
     *
     * @return an unmodifiable list
     */
    public List<Hub> hubs() {
        return hubs;
    }

    /**
     * Spawns {@code fn} as a green thread on the next hub, round robin. Never blocks.
     *
     * @param <T> the type of its result
     * @param fn the body
     * @return the new green thread
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalStateException once the group is closed
     */
    public <T> GreenThread<T> spawn(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        return spawnOn(loops.get(Math.floorMod(next.getAndIncrement(), loops.size())), fn);
    }

    @SuppressWarnings("unchecked")
    private <T> GreenThread<T> spawnOn(HubLoop loop, Callable<T> fn) {
        if (closed) {
            throw new IllegalStateException("the hub group is closed");
        }
        return (GreenThread<T>) Spawning.spawn(loop, fn);
    }

    /**
     * Runs {@code main} as a green thread on every hub and waits (green on a green
     * thread, blocking a plain one) until all have ended. When one throws, the others
     * are killed (each kill waits for its victim's end) and its exception is rethrown as
     * {@link GreenThread#await()} would: unchecked ones as they are, checked ones in a
     * {@link org.greenhub.GreenException}. When the caller is killed or times out while
     * waiting, the green threads still running are killed before the exception leaves.
     * When the group is closed meanwhile, each throws {@link GreenThreadExit}, as the
     * {@code await()} of its killed green threads would.
     *
     * @param main the body, run once per hub
     * @throws NullPointerException if {@code main} is null
     * @throws IllegalStateException once the group is closed
     */
    public void each(GreenRunnable main) {
        Objects.requireNonNull(main, "main");
        Ended ended = new Ended();
        List<GreenThread<Void>> all = new ArrayList<>(loops.size());
        waiting.add(ended);
        try {
            for (HubLoop loop : loops) {
                GreenThread<Void> g = spawnOn(loop, () -> {
                    main.run();
                    return null;
                });
                g.link(ended::add);
                all.add(g);
            }
            for (int i = 0; i < all.size(); i++) {
                ended.take().await(); // rethrows the first failure
            }
        } finally {
            waiting.remove(ended);
            if (!closed) {
                for (GreenThread<Void> g : all) {
                    g.kill(); // nothing for those that ended
                }
            }
        }
    }

    /**
     * The green threads of one {@code each} in the order they ended. The link callback
     * that adds one takes no monitor: a green thread blocked on a monitor when its hub
     * closes is never resumed, and the JDK then keeps the monitor for it.
     */
    private static final class Ended {
        private final ConcurrentLinkedQueue<GreenThread<?>> queue = new ConcurrentLinkedQueue<>();
        private volatile boolean groupClosed;
        private volatile Thread waiter;

        void add(GreenThread<?> g) {
            queue.add(g);
            wake();
        }

        /** The group's hubs have stopped: a green thread that did not end by then never will. */
        void groupClosed() {
            groupClosed = true;
            wake();
        }

        private void wake() {
            Thread w = waiter;
            if (w != null) {
                Parking.unpark(w);
            }
        }

        /** The next green thread to end; waits (green or plain) for it. One caller at a time. */
        GreenThread<?> take() {
            waiter = Thread.currentThread();
            try {
                while (true) {
                    GreenThread<?> g = queue.poll();
                    if (g != null) {
                        return g;
                    }
                    if (groupClosed) {
                        throw new GreenThreadExit(); // as await() of a killed green thread
                    }
                    Parking.park(this, Parking.NO_DEADLINE);
                }
            } finally {
                waiter = null;
            }
        }
    }

    /**
     * Kills the group's green threads (each gets a {@link GreenThreadExit} and may clean
     * up, blocking included), stops its hubs and waits until their carrier threads have
     * ended. Green threads that catch the exit and park for good are left parked.
     * Idempotent; not from one of the group's own threads.
     *
     * @throws IllegalStateException when called on one of the group's hubs
     */
    @Override
    public void close() {
        for (HubLoop loop : loops) {
            if (loop.isHubThread()) {
                throw new IllegalStateException("a hub group cannot be closed from one of its own hubs");
            }
        }
        closed = true;
        for (HubLoop loop : loops) {
            loop.schedule(Duration.ZERO, () -> { }); // wakes the loop to see closed
        }
        boolean interrupted = false;
        for (Thread t : carriers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        waiting.forEach(Ended::groupClosed);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "HubGroup[" + loops.size() + " " + loops.get(0).name() + " hubs" + (closed ? ", closed" : "") + "]";
    }
}
