package org.greenhub.internal.hub;

import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The scheduler a hub gives the JDK for its green threads: every task goes to the hub
 * ({@link HubLoop#execute}). A {@code ForkJoinPool} subclass only so that the JDK (25
 * and newer) hands it, rather than a platform "VirtualThread-unparker" thread of its
 * own, the delayed tasks of green threads' timed waits that are not greenhub's
 * ({@code Thread.sleep}, {@code LockSupport.parkNanos}, a queue poll with a timeout,
 * {@code Object.wait} with one, a JDK socket read with SO_TIMEOUT): they become timers
 * of the hub, which fire and are cancelled on the hub thread, with no hand-off to
 * another thread and no cancelled task left queued until its deadline. (A JDBC pool's
 * {@code getConnection} is such a timed wait, once per query under contention.)
 * On older JDKs {@link #schedule} overrides nothing and is not called. No worker
 * thread is ever started: nothing reaches the pool's own queues.
 */
final class HubScheduler extends ForkJoinPool {
    private final HubLoop hub;

    HubScheduler(HubLoop hub) {
        super(1);
        this.hub = hub;
    }

    @Override
    public void execute(Runnable task) {
        hub.execute(task);
    }

    /**
     * Runs {@code command} on the hub after {@code delay}. Overrides
     * {@code ForkJoinPool.schedule} on JDK 25 and newer (compiled against release 21,
     * where the method does not exist yet); the JDK calls it for the timed parks of
     * virtual threads whose scheduler is a ForkJoinPool.
     *
     * @param command the task
     * @param delay the delay
     * @param unit its unit
     * @return a future whose cancel cancels the hub timer
     */
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        long nanos = unit.toNanos(delay);
        long deadline = nanos >= 1L << 62 ? Parking.NO_DEADLINE : System.nanoTime() + Math.max(0, nanos);
        Task task = new Task(command, deadline);
        task.timer = hub.scheduleAt(deadline, task);
        return task;
    }

    /** A delayed task on a hub timer: cancel cancels the timer. */
    private static final class Task implements Runnable, ScheduledFuture<Object> {
        private final Runnable command;
        private final long deadline;
        volatile HubTimer timer;
        private volatile boolean done;

        Task(Runnable command, long deadline) {
            this.command = command;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            done = true;
            command.run();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            HubTimer t = timer;
            if (done || t == null || t.isCancelled()) {
                return false;
            }
            t.cancel();
            return true;
        }

        @Override
        public boolean isCancelled() {
            HubTimer t = timer;
            return t != null && t.isCancelled() && !done;
        }

        @Override
        public boolean isDone() {
            return done || isCancelled();
        }

        @Override
        public Object get() throws InterruptedException, ExecutionException {
            throw new UnsupportedOperationException("a hub's delayed task has no result to wait for");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            throw new UnsupportedOperationException("a hub's delayed task has no result to wait for");
        }
    }
}
