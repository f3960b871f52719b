package org.greenhub.internal.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The hub core: one carrier thread that runs its green threads one at a time, fires its
 * timers and waits on its poller. Green threads are virtual threads whose
 * scheduler is the hub: whenever one becomes runnable the JDK hands its
 * continuation to {@link #execute}, and the loop below runs it.
 *
 * <p>One pass of the loop: take in work queued from other threads; ask the poller
 * for readiness (not waiting when work is queued, and then only every
 * {@code BUSY_POLL_EVERY} passes; else waiting until the next timer or a wake-up);
 * fire due timers; run the green threads that were runnable by then (FIFO; work
 * queued while they run waits for the next pass, so a {@code sleep()} loop cannot
 * starve I/O).
 */
public final class HubLoop {
    private static final System.Logger LOG = System.getLogger("org.greenhub.hub");
    private static final ThreadLocal<HubLoop> CARRIER_OF = new ThreadLocal<>();
    /** While work is queued, the poller is asked for readiness once every this many passes. */
    private static final int BUSY_POLL_EVERY = 16;
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Every hub whose loop has started and that is not closed: the watchdog's and the dump's list. */
    private static final CopyOnWriteArrayList<HubLoop> RUNNING_HUBS = new CopyOnWriteArrayList<>();
    private static final VarHandle RUNNING, RUNS, PASSES, POLL_WAITS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNING = l.findVarHandle(HubLoop.class, "running", Object.class);
            RUNS = l.findVarHandle(HubLoop.class, "runs", long.class);
            PASSES = l.findVarHandle(HubLoop.class, "passes", long.class);
            POLL_WAITS = l.findVarHandle(HubLoop.class, "pollWaits", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /**
     * How long the end of a hub waits, with nothing else to run, for green threads on
     * their way back: blocked on a monitor, or made runnable by another thread and not
     * queued yet. Waiting longer means a monitor that is never released (a deadlock):
     * those are then left.
     */
    static final long DRAIN_PATIENCE_NANOS = 1_000_000_000L;

    private final Poller poller;
    // Runnable tasks, and deferred spawns in batches: a DeferredBatch, then its bodies.
    private final ArrayDeque<Object> runQueue = new ArrayDeque<>(256);
    private DeferredBatch openBatch;   // the batch at runQueue's tail while it takes this pass's spawns
    private int batchesQueued;         // in runQueue (hub thread; read racily by queued())
    private final ArrayDeque<Runnable> turnsGivenUp = new ArrayDeque<>(); // run after the next poll's threads
    private boolean givingUpTurn;      // set by giveUpTurn until the JDK hands its thread back to execute
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean needsWakeup = new AtomicBoolean();
    private final TimerHeap timers = new TimerHeap();
    private final Poller.ReadySink readySink = PollState::ready;
    private final Executor scheduler = new HubScheduler(this);
    private final ThreadFactory greenThreads;
    private final ThreadFactory greenThreadsOnHub; // made on the hub thread for a spawner: inherit nothing
    private long timerSeq;  // scheduling order of the timers in the heap
    private int busyPasses;
    private long drainSeenLive = -1, drainSince;  // killAllAndDrain: live green threads when last counted, since when
    private int pollFailures;  // consecutive failed polls
    /** How long the loop pauses after a failed poll. */
    static final long POLL_FAILURE_BACKOFF_MILLIS = 1000;
    private volatile Thread carrier;
    // The last green thread of this hub found by isHubThread, written on the hub only. A
    // stale read elsewhere is still a thread of this hub, never the reader's own.
    private Thread lastGreen;
    private volatile boolean closed;
    private volatile boolean stopping;
    private java.nio.ByteBuffer scratch; // hub thread only: staging for native I/O of heap buffers
    private Strand liveHead;   // live green threads, hub thread only
    private volatile Object view; // the public Hub, see view()
    private int liveCount;
    private final int id = IDS.getAndIncrement();
    // What the watchdog reads (Watchdog): the hub writes them with opaque stores, plain
    // moves on x86, so watching costs the loop two stores per green thread run.
    @SuppressWarnings("unused") private Object running; // the task running now (a green thread's continuation, a timer action); null while polling
    @SuppressWarnings("unused") private long runs;       // tasks run so far
    @SuppressWarnings("unused") private long passes;
    @SuppressWarnings("unused") private long pollWaits;  // polls that could wait
    /** The watchdog's bookkeeping of this hub's stalls (watchdog thread only, but the longest, read by the MXBean). */
    final Watchdog.Stalls stalls = new Watchdog.Stalls();

    HubLoop(Poller poller) {
        JdkPollers.startOffHub();
        this.poller = poller;
        this.greenThreads = VirtualThreads.factory(scheduler);
        this.greenThreadsOnHub = VirtualThreads.nonInheritingFactory(scheduler);
    }

    /** "epoll", "kqueue" or "nio". */
    public String name() {
        return poller.name();
    }

    /** This hub among all the JVM made: its kind and a number, e.g. {@code epoll-3}. */
    public String label() {
        return poller.name() + "-" + id;
    }

    /** The hubs whose loop runs (started and not closed). */
    public static java.util.List<HubLoop> running() {
        return RUNNING_HUBS;
    }

    Object runningTask() {
        return RUNNING.getOpaque(this);
    }

    long runs() {
        return (long) RUNS.getOpaque(this);
    }

    long passes() {
        return (long) PASSES.getOpaque(this);
    }

    long pollWaits() {
        return (long) POLL_WAITS.getOpaque(this);
    }

    /** Runnable tasks queued (read from any thread: a snapshot that may be off by the ones moving). */
    int queued() {
        return runQueue.size() - batchesQueued + inbox.size();
    }

    /** The carrier thread running the loop, null before it started. */
    Thread carrier() {
        return carrier;
    }

    /** The number of live green threads (read from any thread: a snapshot). */
    public int liveCount() {
        return liveCount;
    }

    /**
     * The hub of the running thread: a green thread's hub, the hub whose loop runs
     * on this thread, else the default hub (started on first use).
     */
    public static HubLoop current() {
        Strand g = Strand.currentGreen();
        if (g != null) {
            return g.hub();
        }
        HubLoop h = CARRIER_OF.get();
        return h != null ? h : HubKinds.defaultLoop();
    }

    /**
     * The public view of this loop ({@code org.greenhub.hub.Hub}), made by {@code make}
     * on first use and the same object after: the core does not name the public type,
     * which sits in a layer above it.
     */
    @SuppressWarnings("unchecked")
    public <V> V view(Function<HubLoop, V> make) {
        Object v = view;
        if (v == null) {
            synchronized (this) { // made once: Green.hub() reads it without a lock after that
                v = view;
                if (v == null) {
                    view = v = make.apply(this);
                }
            }
        }
        return (V) v;
    }

    /** Runs {@code r} on this hub after {@code delay}. Any thread; the returned timer cancels it. */
    public HubTimer schedule(Duration delay, Runnable r) {
        return scheduleAt(Parking.deadline(Objects.requireNonNull(delay, "delay")), r);
    }

    /**
     * Runs {@code r} on this hub at a System.nanoTime() deadline ({@link
     * Parking#NO_DEADLINE}: never). Any thread: from another thread the hub adds the
     * timer at its next pass, unless it was cancelled first.
     */
    public HubTimer scheduleAt(long deadline, Runnable r) {
        Objects.requireNonNull(r, "action");
        HubTimer t = new HubTimer(this, deadline, r);
        if (deadline == Parking.NO_DEADLINE) {
            return t; // never fires: nothing to keep
        }
        if (isHubThread()) {
            addTimer(t);
        } else {
            execute(() -> {
                if (!t.isCancelled()) {
                    addTimer(t);
                }
            });
        }
        return t;
    }

    private void addTimer(HubTimer t) {
        t.seq = timerSeq++;
        timers.add(t);
    }

    /** A cancelled timer leaves the heap now, or from another thread at the hub's next pass. */
    void removeTimer(HubTimer t) {
        if (isHubThread()) {
            timers.remove(t);
        } else {
            execute(() -> timers.remove(t));
        }
    }

    /** Number of timers in the heap (for tests and debugging). */
    public int pendingTimers() {
        return timers.size();
    }

    void arm(PollState s, int bit) throws IOException {
        if (isHubThread()) {
            armHere(s, bit);
        } else {
            execute(() -> {
                if (s.closed) {
                    return; // closed meanwhile: its waiter was woken by the close
                }
                try {
                    armHere(s, bit);
                } catch (IOException e) {
                    s.ready(Poller.ERROR); // wake the waiter; its syscall reports the error
                }
            });
        }
    }

    /** On this hub's thread: arms {@code s} here, or in the hub that took it over meanwhile. */
    private void armHere(PollState s, int bit) throws IOException {
        HubLoop owner = s.hub;
        if (owner != this) {
            owner.arm(s, bit);
        } else {
            poller.arm(s, bit);
        }
    }

    /**
     * Hands {@code s}, watched here provisionally for a plain thread, over to {@code to},
     * whose green thread is about to wait on it for {@code bit}. On this hub's thread,
     * which alone may touch its poller: the poller lets the descriptor go, then
     * {@code to} arms it for every direction waited for by then. Arms of {@code s} that
     * reach this hub afterwards follow it there ({@link #armHere}). The old hub is the
     * default hub, which never closes, so the hand-over always runs.
     */
    void handOver(PollState s, HubLoop to, int bit) {
        execute(() -> {
            if (s.closed) {
                poller.cancel(s); // its waiters were woken by the close
                s.movedTo(null);
                return;
            }
            boolean released = poller.release(s);
            s.movedTo(released ? to : null);
            try {
                (released ? to : this).arm(s, bit | s.waitedFor());
            } catch (IOException e) {
                s.ready(Poller.ERROR);
            }
        });
    }

    /** Forgets a closing channel's registration. Any thread. */
    void forget(PollState s) {
        if (isHubThread()) {
            poller.cancel(s);
        } else {
            execute(() -> poller.cancel(s));
        }
    }

    // ---- green threads ----------------------------------------------------------

    /** Creates an unstarted green thread of this hub running {@code task}. */
    public Thread newGreenThread(Runnable task) {
        return greenThreads.newThread(task);
    }

    /**
     * Whether the running thread, spawning now, has nothing a new thread would inherit
     * from it (no inheritable thread-locals; the system class loader as context class
     * loader), so that the thread may be made later, on the hub thread, by
     * {@link #newGreenThreadOnHub}, with the same result. False when greenhub cannot tell
     * (java.lang not open to it).
     */
    public static boolean spawnerHasNothingToInherit() {
        return VirtualThreads.nothingToInherit(Thread.currentThread());
    }

    /**
     * Creates an unstarted green thread of this hub running {@code task} that inherits
     * nothing from the running thread: for a spawn made later, on the hub thread, for a
     * spawner that had nothing to inherit ({@link #spawnerHasNothingToInherit}).
     */
    public Thread newGreenThreadOnHub(Runnable task) {
        return greenThreadsOnHub.newThread(task);
    }

    /**
     * Runs {@code task} on the hub thread at its turn, as a green thread that became
     * runnable: from a hub thread at the run queue's tail, from another thread through
     * the inbox (dropped once the hub is closed).
     */
    public void submit(Runnable task) {
        execute(task);
    }

    /**
     * Starts a green thread that is made only when its turn comes ({@code spawnN}: nobody
     * holds a handle on it). At that turn, on the hub thread, {@code how.start(this, body)}
     * makes the thread and runs it ({@link #startNow}).
     *
     * <p>Spawned from this hub's thread, the spawn is one run-queue entry, its body:
     * spawns in a row with the same {@code how} share a {@link DeferredBatch} entry ahead
     * of their bodies. A burst of spawns made before any runs so holds no object of its
     * own, neither a virtual thread each (about 380 bytes in seven objects) nor a wrapper
     * (24 bytes), and refers to {@code how} once: young collections during the burst copy
     * no wrappers and update no million references to a young {@code how} (a new pool's).
     * Against a wrapper per spawn, {@code ci/bench --runtime --workloads spawn --baseline
     * JAR}: the burst of 1M {@code Green.spawnN} 1.18x as fast and 1.57x less CPU (GC
     * included), through a new {@code GreenPool} 1.25x and 1.60x (medians of 5 paired rounds).
     * From another thread the spawn goes through the inbox, wrapped.
     */
    public void submitDeferred(DeferredSpawn how, Object body) {
        if (isHubThread() && !givingUpTurn) {
            DeferredBatch b = openBatch;
            if (b == null || b.how != how) {
                openBatch = b = new DeferredBatch(how);
                runQueue.add(b);
                batchesQueued++;
            }
            b.bodies++;
            runQueue.add(body);
        } else {
            execute(() -> how.start(this, body));
        }
    }

    /** Makes and starts the green thread of a deferred spawn, on the hub thread at its turn. */
    public interface DeferredSpawn {
        void start(HubLoop hub, Object body);
    }

    /** Deferred spawns in a row in the run queue: this entry, then their bodies. */
    private static final class DeferredBatch {
        final DeferredSpawn how;
        int bodies;

        DeferredBatch(DeferredSpawn how) {
            this.how = how;
        }
    }

    /** Queues a runnable task; a deferred spawn queued after it starts a new batch. */
    private void enqueue(Runnable task) {
        openBatch = null;
        runQueue.add(task);
    }

    /**
     * Starts {@code t}, a green thread of this hub, and runs it at once, up to its first
     * blocking point or its end: for a task the loop is running on the hub thread (a
     * deferred spawn), in that task's place in the run order. Elsewhere it only starts it.
     */
    public void startNow(Thread t) {
        if (Thread.currentThread() != carrier) {
            t.start();
            return;
        }
        int queued = runQueue.size();
        t.start(); // on the hub thread the JDK hands t's continuation to execute: the run queue's tail
        if (runQueue.size() == queued + 1) {
            run((Runnable) runQueue.pollLast()); // as the running task: the watchdog names t if it holds the hub
        }
    }

    /** Whether the running thread is this hub's carrier or one of its green threads. */
    public boolean isHubThread() {
        Thread t = Thread.currentThread();
        if (t == carrier || t == lastGreen) {
            return true;
        }
        Strand g = Strand.currentGreen();
        if (g != null && g.hub() == this) {
            lastGreen = t; // a green thread asks several times a turn (unparks, timers)
            return true;
        }
        return false;
    }

    /** The scheduler entry: the JDK calls it whenever a green thread of this hub becomes runnable. */
    void execute(Runnable task) {
        if (isHubThread()) {
            if (givingUpTurn) {
                givingUpTurn = false;
                turnsGivenUp.add(task);
            } else {
                enqueue(task);
            }
            return;
        }
        if (closed) {
            return; // green threads abandoned by a finished Green.run never resume
        }
        inbox.add(task);
        if (needsWakeup.get() && needsWakeup.compareAndSet(true, false)) {
            poller.wakeup();
        }
    }

    /**
     * A 64 KiB direct buffer for the green threads of this hub to stage
     * heap data for native I/O. Safe to share: a green thread does not yield between
     * filling or draining it and its system call.
     */
    public java.nio.ByteBuffer scratch() {
        java.nio.ByteBuffer b = scratch;
        if (b == null) {
            scratch = b = java.nio.ByteBuffer.allocateDirect(SCRATCH_SIZE);
        }
        return b.clear();
    }

    /** Size of {@link #scratch()}. */
    public static final int SCRATCH_SIZE = 64 * 1024;

    /**
     * Records a green thread that started running (hub thread). It stays recorded until
     * its body has ended, completion included: {@link #killAllAndDrain} kills those that
     * are not {@linkplain Strand#markFinishing() finishing} and waits for those on their way back.
     */
    public void register(Strand s) {
        s.nextLive = liveHead;
        if (liveHead != null) {
            liveHead.prevLive = s;
        }
        liveHead = s;
        liveCount++;
    }

    /** Forgets a green thread that ended (hub thread). */
    public void unregister(Strand s) {
        if (s.prevLive != null) {
            s.prevLive.nextLive = s.nextLive;
        } else if (liveHead == s) {
            liveHead = s.nextLive;
        } else {
            return; // not registered
        }
        if (s.nextLive != null) {
            s.nextLive.prevLive = s.prevLive;
        }
        s.prevLive = s.nextLive = null;
        liveCount--;
    }

    /** The green threads of this hub that started and have not ended (hub thread). */
    public java.util.List<Strand> liveStrands() {
        java.util.List<Strand> all = new java.util.ArrayList<>(liveCount);
        for (Strand s = liveHead; s != null; s = s.nextLive) {
            all.add(s);
        }
        return all;
    }

    /** The hub is winding down: green threads that have not started never will. */
    public void stop() {
        stopping = true;
    }

    /** Whether {@link #stop} was called. */
    public boolean isStopping() {
        return stopping;
    }

    // ---- the loop ---------------------------------------------------------------

    /**
     * Runs the loop on the calling thread until {@code done} says so
     * (checked after each pass). {@code Green.run} and the default hub use it.
     */
    public void loop(BooleanSupplier done) {
        Thread me = Thread.currentThread();
        if (carrier != null && carrier != me) {
            throw new IllegalStateException("hub " + name() + " already runs on " + carrier);
        }
        if (carrier == null) {
            carrier = me;
            RUNNING_HUBS.add(this);
            Watchdog.start();
        }
        CARRIER_OF.set(this);
        try {
            while (!done.getAsBoolean()) {
                pass();
            }
        } finally {
            CARRIER_OF.remove();
        }
    }

    /**
     * Ends this hub's green threads on the carrier: no new one starts, each live one gets
     * {@code exit} (a kill) and runs until it ends or parks for good; those that refuse to
     * die stay parked. Green.run and the hub groups end their hubs with it.
     *
     * <p>A green thread blocked on a monitor is not runnable, but will be once the monitor
     * is released (by a plain thread, say, or another green thread unwinding): the loop
     * runs until no green thread is on its way back like that, or none came back for
     * {@link #DRAIN_PATIENCE_NANOS}. A thread abandoned there would never run again, and
     * the JDK keeps the monitor for it: no other thread could ever take it.
     */
    public void killAllAndDrain(java.util.function.Supplier<? extends Throwable> exit) {
        stop();
        for (Strand s : liveStrands()) {
            if (!s.finishing) {
                s.deliver(exit.get(), true);
            }
        }
        loop(this::drained);
    }

    /** For {@link #killAllAndDrain}'s loop: whether nothing is left to run or to wait for. */
    private boolean drained() {
        if (hasRunnableWork()) {
            return false;
        }
        boolean comingBack = false;
        for (Strand s = liveHead; s != null && !comingBack; s = s.nextLive) {
            Thread.State st = s.javaThread().getState();
            // not mounted now: BLOCKED waits for a monitor, RUNNABLE is being rescheduled
            comingBack = st == Thread.State.BLOCKED || st == Thread.State.RUNNABLE;
        }
        if (!comingBack) {
            return true;
        }
        long now = System.nanoTime();
        // Progress is a green thread ending: other tasks (a timer, a thread that refuses to
        // die waking up) do not bring a blocked one back.
        if (liveCount != drainSeenLive) {
            drainSeenLive = liveCount;
            drainSince = now;
            scheduleAt(now + DRAIN_PATIENCE_NANOS, () -> { }); // wakes the loop to give up
        }
        return now - drainSince >= DRAIN_PATIENCE_NANOS;
    }

    /**
     * For a green thread of this hub (a hub thread only): whether other green threads wait
     * in the run queue to run in this pass or the next.
     */
    boolean othersRunnable() {
        return !runQueue.isEmpty();
    }

    /** Whether runnable work is queued (for a loop deciding to stop). */
    public boolean hasRunnableWork() {
        return !runQueue.isEmpty() || !inbox.isEmpty() || !turnsGivenUp.isEmpty();
    }

    /**
     * The running green thread gives up its turn: it runs again after the green threads
     * runnable now and after those that the poller, asked first, finds ready. A thread
     * whose socket always has data at once would otherwise never stop (Eventlet's and the
     * JDK's virtual threads behave so), and the connections waiting for readiness behind
     * it would not be served. Nothing for a plain thread.
     */
    public static void giveUpTurn() {
        Strand g = Strand.currentGreen();
        if (g == null) {
            return;
        }
        HubLoop hub = g.hub();
        hub.givingUpTurn = true;
        Thread.yield();
        hub.givingUpTurn = false; // when the yield did not unmount the thread (pinned)
    }

    private void pass() {
        PASSES.setOpaque(this, passes + 1);
        openBatch = null; // spawns of this pass's threads run in the next pass
        for (Runnable r; (r = inbox.poll()) != null; ) {
            enqueue(r);
        }
        boolean gaveUp = !turnsGivenUp.isEmpty();
        boolean busy = !runQueue.isEmpty() || gaveUp;
        if (!busy || gaveUp || ++busyPasses >= BUSY_POLL_EVERY) {
            busyPasses = 0;
            waitForReadiness(busy);
        }
        fireTimers();
        for (Runnable r; (r = turnsGivenUp.poll()) != null; ) {
            enqueue(r);
        }
        for (int n = runQueue.size(); n > 0; n--) {
            Object task = runQueue.poll();
            if (task instanceof DeferredBatch b) {
                batchesQueued--;
                if (openBatch == b) {
                    openBatch = null; // its bodies are counted now: later spawns go to a new batch
                }
                for (int k = b.bodies; k > 0; k--, n--) {
                    RUNNING.setOpaque(this, b.how);
                    RUNS.setOpaque(this, runs + 1);
                    b.how.start(this, runQueue.poll());
                }
            } else {
                run((Runnable) task);
            }
        }
    }

    /** Runs one task, where the watchdog can see it. */
    private void run(Runnable task) {
        RUNNING.setOpaque(this, task);
        RUNS.setOpaque(this, runs + 1);
        task.run();
    }

    private void waitForReadiness(boolean busy) {
        long timeout = 0;
        if (!busy) {
            HubTimer next = timers.peek();
            timeout = next == null ? -1 : Math.max(0, next.deadline - System.nanoTime());
            if (timeout != 0) {
                needsWakeup.set(true);
                if (!inbox.isEmpty()) {
                    timeout = 0;
                }
            }
        }
        RUNNING.setOpaque(this, null);
        if (timeout != 0) {
            POLL_WAITS.setOpaque(this, pollWaits + 1);
        }
        try {
            poller.poll(timeout, readySink);
            pollFailures = 0;
        } catch (IOException e) {
            pollFailed(e);
        } finally {
            if (timeout != 0) {
                needsWakeup.lazySet(false); // no fence: a stale true only costs one spare wake-up
            }
        }
    }

    /**
     * A poller that fails once will likely fail again at once, and the loop would spin
     * a core: back off for {@link #POLL_FAILURE_BACKOFF_MILLIS} after each failure, as
     * Netty's event loops sleep a second, and log the first failure of a run and then
     * one in every 60 (about once a minute).
     */
    private void pollFailed(IOException e) {
        if (pollFailures++ % 60 == 0) {
            LOG.log(System.Logger.Level.ERROR, "hub " + name() + ": poll failed (" + pollFailures
                    + " in a row); backing off " + POLL_FAILURE_BACKOFF_MILLIS + " ms after each", e);
        }
        try {
            Thread.sleep(POLL_FAILURE_BACKOFF_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void fireTimers() {
        if (timers.size() == 0) {
            return;
        }
        long now = System.nanoTime();
        for (HubTimer t; (t = timers.peek()) != null && t.deadline - now <= 0; ) {
            timers.poll();
            if (t.isCancelled()) {
                continue;
            }
            try {
                run(t.action);
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "timer callback failed on hub " + name(), e);
            }
        }
    }

    /**
     * Closes the poller; later work from other threads is dropped. On the hub thread. A
     * plain thread or another hub's green thread may still wait on a channel armed here
     * (one this hub's threads used first): it is woken as if the channel were ready, its
     * call is tried again, and its next wait arms the channel in another hub
     * ({@link PollState#arm} binds a state anew once its hub is closed).
     */
    public void close() {
        closed = true;
        RUNNING_HUBS.remove(this);
        poller.forEachArmed(s -> s.ready(Poller.READ | Poller.WRITE));
        poller.close();
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "HubLoop[" + name() + (carrier == null ? "" : " on " + carrier.getName()) + "]";
    }
}
