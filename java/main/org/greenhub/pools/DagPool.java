package org.greenhub.pools;

import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.internal.hub.WaitList;

/**
 * eventlet.dagpool.DAGPool: green threads ordered by data dependencies rather than
 * limited in number. Each green thread is spawned with a key and the keys it depends
 * on; it waits until each of those has a value, then runs its function with its key
 * and their values, and what the function returns becomes the value of its own key,
 * which lets the threads that depend on that key go on. Values also come from the
 * constructor and from {@link #post}, from any thread. A key gets one value, once: a
 * second spawn or post of it throws {@link Collision}.
 *
 * <p>A function that throws gives its key a {@link PropagateError} (the exception is
 * its cause) instead of a value. Retrieving that key throws the error, and a green
 * thread that depends on it does not run its function but fails in turn, with
 * {@code PropagateError(itsKey, thatError)}: the failure travels downstream, nested
 * once per step.
 *
 * <pre>{@code
 * DagPool<String, Integer> pool = new DagPool<>(Map.of("a", 1));
 * pool.spawn("c", Set.of("a", "b"), (key, in) -> in.get("a") + in.get("b"));
 * pool.spawn("b", Set.of("a"), (key, in) -> in.get("a") + 1);
 * pool.wait(List.of("c"));   // {c=3}, once b and then c have run
 * }</pre>
 *
 * <p>Keys must not be null; values may be. The green threads run on the hub of the
 * thread that spawns them (a plain thread: the default hub). Every method may be
 * called from any thread, green on any hub or plain; a blocking method parks a green
 * caller (its hub runs the others) and blocks a plain one, with no time limit (use a
 * {@code Timeout}). A cycle of dependencies, or a key that is never spawned or
 * posted, keeps its dependents waiting for good; {@link #waitingFor()} shows who
 * waits for what.
 *
 * <p>Unlike Eventlet's, the function receives its dependencies' values as a map, so
 * it starts once all of them are ready (or one has failed), not as an iterator it
 * reads while they come. Where several values are ready at once they are delivered
 * in the order they were posted (Eventlet: arbitrary). Not here: {@code wait()} and
 * {@code wait_each()} without keys ({@link #waitAll()} instead; {@code wait()} is
 * Object's), {@code spawn_many}, extra arguments to the function (capture them),
 * {@code post(..., replace=True)}, posting a PropagateError as a value, {@code
 * wait_each_success}, {@code wait_each_exception}, {@code running_keys} and {@code
 * waiting_for(key)}.
 *
 * @param <K> the type of the keys
 * @param <V> the type of the values
 */
public class DagPool<K, V> {
    private final LinkedHashMap<K, Outcome<V>> values = new LinkedHashMap<>(); // guarded by this; in posting order
    private final HashMap<K, Task> running = new HashMap<>();                   // guarded by this
    private final HashMap<K, ArrayList<Each>> subscribers = new HashMap<>();    // guarded by this: who awaits an unposted key
    private long posts;                                                          // guarded by this

    /** A key's value or failure, and when it was posted. */
    private record Outcome<V>(V value, PropagateError error, long seq) {
    }

    /** Creates a pool with no values. */
    public DagPool() {
    }

    /**
     * Creates a pool holding the values of {@code preload}, as though each had been
     * posted (in the map's iteration order). The map is copied.
     *
     * @param preload the initial keys and values
     * @throws NullPointerException if {@code preload} is null or holds a null key
     */
    public DagPool(Map<? extends K, ? extends V> preload) {
        for (Map.Entry<? extends K, ? extends V> e : preload.entrySet()) {
            publish(Objects.requireNonNull(e.getKey(), "key"), e.getValue(), null);
        }
    }

    // ---- producing ------------------------------------------------------------------

    /**
     * Starts a green thread for {@code key} that waits until every key of
     * {@code dependsOn} has a value, then calls {@code fn} with {@code key} and a map
     * of those keys to their values (in the order they were posted), and posts what
     * it returns as the value of {@code key}. If a dependency has failed, {@code fn}
     * is not called and {@code key} fails with {@code PropagateError(key, e)}, where
     * {@code e} is that dependency's PropagateError (the first one posted, when
     * several have failed); if {@code fn} throws {@code x}, {@code key} fails with
     * {@code PropagateError(key, x)}. If {@code fn} has posted {@code key} itself, its
     * result or exception is dropped. Never blocks; the thread starts at the caller's
     * next blocking point or yield.
     *
     * @param key the key the thread's result is posted to
     * @param dependsOn the keys whose values the thread needs (may be empty)
     * @param fn the function: receives {@code key} and the values of {@code dependsOn};
     *           returns the value of {@code key}
     * @throws Collision if {@code key} has a value or a green thread already
     * @throws NullPointerException if an argument is null or {@code dependsOn} holds null
     * @throws IllegalStateException if the default hub has to be started and the
     *         selected hub cannot run here
     */
    public void spawn(K key, Set<K> dependsOn, BiFunction<K, Map<K, V>, V> fn) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dependsOn, "dependsOn");
        Objects.requireNonNull(fn, "fn");
        synchronized (this) {
            if (values.containsKey(key) || running.containsKey(key)) {
                throw new Collision(key);
            }
            Task t = new Task(key, new Each(dependsOn), fn);
            running.put(key, t);
            boolean started = false;
            try {
                t.green = Green.spawn(() -> run(t));
                started = true;
            } finally {
                if (!started) {
                    running.remove(key);
                    t.deps.close();
                }
            }
        }
    }

    /** The body of a spawned thread. */
    private void run(Task t) {
        synchronized (this) {
            t.runner = Thread.currentThread();
        }
        V value = null;
        Throwable failure = null;
        try {
            value = t.fn.apply(t.key, drain(t.deps));
        } catch (Throwable x) {
            failure = x;
        }
        synchronized (this) {
            t.deps.close();
            if (running.get(t.key) != t) {
                return; // killed: posts nothing
            }
            running.remove(t.key);
            if (!values.containsKey(t.key)) {
                publish(t.key, value, failure == null ? null : new PropagateError(t.key, failure));
            }
        }
    }

    /**
     * Gives {@code key} the value {@code value} and wakes the threads waiting for it.
     * A spawned green thread may post its own key (what its function returns is then
     * dropped); no other thread may post a key that has a green thread running. Never
     * blocks or yields.
     *
     * @param key the key
     * @param value its value (may be null)
     * @throws Collision if {@code key} has a value already, or a green thread other
     *         than the caller
     * @throws NullPointerException if {@code key} is null
     */
    public void post(K key, V value) {
        Objects.requireNonNull(key, "key");
        synchronized (this) {
            Task t = running.get(key);
            if (values.containsKey(key) || (t != null && t.runner != Thread.currentThread())) {
                throw new Collision(key);
            }
            publish(key, value, null);
        }
    }

    /** Holding the lock: records the outcome of {@code key} and hands it to its waiters. */
    private void publish(K key, V value, PropagateError error) {
        values.put(key, new Outcome<>(value, error, posts++));
        ArrayList<Each> waiting = subscribers.remove(key);
        if (waiting != null) {
            for (Each e : waiting) {
                e.deliver(key);
            }
        }
    }

    /**
     * Kills the green thread spawned for {@code key}, as {@link GreenThread#kill()}
     * (waiting until it has ended), and forgets it: it posts nothing, and {@code key}
     * may then be spawned or posted again unless it has a value (posted by the thread
     * itself). A thread not started yet never runs. A green thread killing its own key
     * gets {@link org.greenhub.GreenThreadExit} at once.
     *
     * @param key the key
     * @return true if it was killed; false if no green thread of this pool runs for {@code key}
     * @throws NullPointerException if {@code key} is null
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     */
    public boolean kill(K key) {
        Objects.requireNonNull(key, "key");
        GreenThread<Void> g;
        synchronized (this) {
            Task t = running.remove(key);
            if (t == null) {
                return false;
            }
            t.deps.close();
            g = t.green;
        }
        g.kill();
        return true;
    }

    // ---- consuming ------------------------------------------------------------------

    /**
     * Waits until every key of {@code keys} has a value, and returns them. If one
     * has failed, throws its PropagateError as soon as it comes, without waiting for
     * the rest (the first one posted, when several have failed).
     *
     * @param keys the keys (duplicates count once; may be empty)
     * @return a new map of {@code keys} to their values, in the order they were posted
     * @throws PropagateError if one of the keys has failed
     * @throws NullPointerException if {@code keys} is null or holds null
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public Map<K, V> wait(Collection<K> keys) {
        Each e;
        synchronized (this) {
            e = new Each(keys);
        }
        return drainAndClose(e);
    }

    /**
     * Eventlet's {@code waitall()}: {@link #wait(Collection)} for every key this pool
     * knows of now, those with a value and those with a green thread.
     *
     * @return a new map of those keys to their values, in the order they were posted
     * @throws PropagateError if one of the keys has failed
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws org.greenhub.TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     * @throws org.greenhub.GreenException if the calling thread is interrupted while it waits
     *         (the cause is an InterruptedException; the interrupt status stays set)
     */
    public Map<K, V> waitAll() {
        Each e;
        synchronized (this) {
            Set<K> all = new HashSet<>(values.keySet());
            all.addAll(running.keySet());
            e = new Each(all);
        }
        return drainAndClose(e);
    }

    private Map<K, V> drainAndClose(Each e) {
        try {
            return drain(e);
        } finally {
            synchronized (this) {
                e.close();
            }
        }
    }

    private static <K, V> Map<K, V> drain(Iterator<Map.Entry<K, V>> each) {
        Map<K, V> out = new LinkedHashMap<>();
        while (each.hasNext()) {
            Map.Entry<K, V> e = each.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * An iterator over the keys of {@code keys} and their values, each delivered as
     * soon as it is ready: those ready now first, then the others as they are posted,
     * all in the order they were posted. {@code hasNext()} never blocks: it tells
     * whether keys remain. {@code next()} waits for the next ready key; for a failed
     * key it throws the key's PropagateError instead, after which that key is
     * delivered and iterating may go on. A caller leaving {@code next()} by a kill,
     * Timeout or interrupt loses nothing. The iterator may be shared between threads;
     * {@code remove()} is not supported.
     *
     * @param keys the keys (duplicates count once; may be empty)
     * @return the iterator; its {@code next()} throws PropagateError for a failed key, and
     *         GreenThreadExit, TimeoutExpired or GreenException (interrupt) as
     *         {@link #wait(Collection)} does while it waits
     * @throws NullPointerException if {@code keys} is null or holds null
     */
    public Iterator<Map.Entry<K, V>> waitEach(Collection<K> keys) {
        synchronized (this) {
            return new Each(keys);
        }
    }

    /**
     * The value of {@code key} if it has one. Never blocks.
     *
     * @param key the key
     * @return its value; null if it has none yet (or its value is null: see {@link #keys()})
     * @throws PropagateError if {@code key} has failed
     * @throws NullPointerException if {@code key} is null
     */
    public synchronized V get(K key) {
        Outcome<V> o = values.get(Objects.requireNonNull(key, "key"));
        if (o == null) {
            return null;
        }
        if (o.error() != null) {
            throw o.error();
        }
        return o.value();
    }

    /**
     * The keys that have a value or a failure now.
     *
     * @return a new set of them, in the order they were posted
     */
    public synchronized Set<K> keys() {
        return new LinkedHashSet<>(values.keySet());
    }

    /**
     * The keys that have a value now, and their values.
     *
     * @return a new map of them, in the order they were posted
     * @throws PropagateError the first failure posted, if a key has failed
     */
    public synchronized Map<K, V> items() {
        Map<K, V> out = new LinkedHashMap<>();
        for (Map.Entry<K, Outcome<V>> e : values.entrySet()) {
            if (e.getValue().error() != null) {
                throw e.getValue().error();
            }
            out.put(e.getKey(), e.getValue().value());
        }
        return out;
    }

    // ---- watching -------------------------------------------------------------------

    /**
     * Green threads of this pool not ended yet, waiting for their dependencies or
     * running their function (or not started yet).
     *
     * @return their number
     */
    public synchronized int running() {
        return running.size();
    }

    /**
     * Green threads of this pool still waiting for a dependency to get a value.
     *
     * @return their number
     */
    public synchronized int waiting() {
        int n = 0;
        for (Task t : running.values()) {
            if (!t.deps.unready.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /**
     * What each waiting green thread of this pool waits for: to find why a pool hangs
     * (a key nobody spawns or posts, a cycle).
     *
     * @return a new map of the key of each thread still waiting for a dependency to
     *         the keys it needs that have no value yet
     */
    public synchronized Map<K, Set<K>> waitingFor() {
        Map<K, Set<K>> out = new HashMap<>();
        for (Task t : running.values()) {
            if (!t.deps.unready.isEmpty()) {
                out.put(t.key, new HashSet<>(t.deps.unready));
            }
        }
        return out;
    }

    // ---- internals ------------------------------------------------------------------

    /** A spawned key: its green thread and what it waits for. */
    private final class Task {
        final K key;
        final Each deps;
        final BiFunction<K, Map<K, V>, V> fn;
        GreenThread<Void> green; // guarded by the pool
        Thread runner;           // guarded by the pool: the thread, once it has started

        Task(K key, Each deps, BiFunction<K, Map<K, V>, V> fn) {
            this.key = key;
            this.deps = deps;
            this.fn = fn;
        }
    }

    /**
     * Keys awaited by one consumer: a spawned thread's dependencies, a wait, a
     * waitEach. Subscribed to the keys not posted yet, so that a post wakes only
     * the consumers of that key.
     */
    private final class Each implements Iterator<Map.Entry<K, V>> {
        private final ArrayDeque<K> ready = new ArrayDeque<>(); // guarded by the pool: posted, not delivered, in posting order
        final HashSet<K> unready = new HashSet<>();             // guarded by the pool: not posted yet
        private final WaitList wakers = new WaitList();         // guarded by the pool

        /** Holding the pool's lock. */
        Each(Collection<K> keys) {
            Set<K> distinct = new HashSet<>(keys);
            if (distinct.contains(null)) {
                throw new NullPointerException("null key");
            }
            ArrayList<K> now = new ArrayList<>();
            for (K k : distinct) {
                if (values.containsKey(k)) {
                    now.add(k);
                } else {
                    unready.add(k);
                    subscribers.computeIfAbsent(k, x -> new ArrayList<>(2)).add(this);
                }
            }
            now.sort(Comparator.comparingLong(k -> values.get(k).seq()));
            ready.addAll(now);
        }

        /** Holding the pool's lock: {@code key} has been posted. */
        void deliver(K key) {
            unready.remove(key);
            ready.addLast(key);
            wakers.wakeAll();
        }

        /** Holding the pool's lock: stops awaiting the keys not posted yet. */
        void close() {
            for (K k : unready) {
                ArrayList<Each> l = subscribers.get(k);
                if (l != null && l.remove(this) && l.isEmpty()) {
                    subscribers.remove(k);
                }
            }
            unready.clear();
        }

        @Override
        public boolean hasNext() {
            synchronized (DagPool.this) {
                return !ready.isEmpty() || !unready.isEmpty();
            }
        }

        @Override
        public Map.Entry<K, V> next() {
            while (true) {
                synchronized (DagPool.this) {
                    K k = ready.pollFirst();
                    if (k != null) {
                        Outcome<V> o = values.get(k);
                        if (o.error() != null) {
                            throw o.error();
                        }
                        return new AbstractMap.SimpleImmutableEntry<>(k, o.value());
                    }
                    if (unready.isEmpty()) {
                        throw new NoSuchElementException();
                    }
                }
                wakers.await(DagPool.this, () -> !ready.isEmpty() || unready.isEmpty());
            }
        }
    }
}
