package org.greenhub.internal.hub;

import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * The readiness state of one green channel: its descriptor (native pollers) or
 * selectable channel (nio poller), the green threads waiting on it, and what the
 * poller has reported that nobody has consumed yet.
 *
 * <p>One waiter per direction (Eventlet's "second simultaneous read" guard).
 * A state is armed in at most one poller: the one of the hub whose green thread first
 * waited on it. A plain thread's wait arms it in the default hub's poller until then,
 * and the first green thread to wait takes it over ({@link #arm}): a connection made
 * on a plain thread (a pool's connection-adder thread, a client set up before
 * {@code Green.run}) and used by the green threads of a hub is watched by that hub,
 * not by the default hub, whose every readiness report would be a cross-thread hand-off.
 */
public final class PollState {
    /** The descriptor, or -1 for a java.nio channel. */
    public final int fd;
    /** The java.nio channel, or null for a native descriptor. */
    public final SelectableChannel channel;

    // Owned by the poller the state is armed in (hub thread only).
    volatile HubLoop hub;     // the hub whose poller this state is armed in
    volatile boolean provisional; // hub is the default hub for a plain thread's wait: a green waiter takes it over
    private boolean moving;   // guarded by this: a take-over is on its way through the old hub
    int token = -1;       // native pollers: index in their table
    Object key;           // nio poller: the SelectionKey
    int armed;            // nio poller: interest bits currently armed

    // Waiters and unconsumed readiness: written by the hub thread and by waiters.
    volatile Thread reader;
    volatile Thread writer;
    volatile boolean readReady;
    volatile boolean writeReady;
    volatile boolean closed;
    volatile boolean hungUp;  // an ERROR report came (peer closed, reset, error): sticky
    // Reader thread only: the last stream read came back short, so the socket was empty then.
    private boolean readDrained;
    // Its user's thread: socket calls in a row that did not wait ({@link ReadinessWait#beforeCall}).
    int callsWithoutWait;
    private PollState[] alone;    // {this}, for waits on this state alone (made once)

    public PollState(int fd) {
        this.fd = fd;
        this.channel = null;
    }

    public PollState(SelectableChannel channel) {
        this.fd = -1;
        this.channel = channel;
    }

    /**
     * Arms this state for {@code waiter}, about to wait for {@code bit}, in the poller of
     * the hub that watches it: bound on the first wait to the waiter's hub (a plain
     * thread's: the default hub, provisionally), and bound anew once that hub has closed.
     * A green waiter of another hub than a provisional one's takes the state over: the
     * old hub lets it go, then the waiter's arms it ({@link HubLoop#handOver}), once.
     */
    void arm(Strand waiter, int bit) throws IOException {
        HubLoop h = hub;
        if (h == null || provisional || h.isClosed()) {
            HubLoop mine = waiter.hub();
            HubLoop from = null;
            synchronized (this) {
                boolean hubClosed = hub != null && hub.isClosed();
                if (hubClosed) {
                    // Its hub ended (a socket used inside a finished Green.run): its poller
                    // is closed, and so is the registration; bind the state anew.
                    token = -1;
                    key = null;
                    armed = 0;
                }
                if (hub == null || hubClosed) {
                    hub = mine != null ? mine : HubKinds.defaultLoop();
                    provisional = mine == null;
                } else if (provisional && mine == hub) {
                    provisional = false; // a green thread of the default hub: it stays there
                } else if (provisional && mine != null && !moving) {
                    moving = true;
                    from = hub;
                }
                h = hub;
            }
            if (from != null) {
                from.handOver(this, mine, bit);
                return;
            }
        }
        h.arm(this, bit);
    }

    /** On the old hub's thread, at the end of a take-over: {@code to} watches the state now (null: it stays). */
    synchronized void movedTo(HubLoop to) {
        if (to != null) {
            hub = to;
            provisional = false;
        }
        moving = false;
    }

    /** The directions someone waits for now. */
    int waitedFor() {
        return (reader != null ? Poller.READ : 0) | (writer != null ? Poller.WRITE : 0);
    }

    /**
     * Whether a stream read can be skipped: the last one came back short (the kernel
     * had no more) and no read readiness has arrived since. Every arrival of data
     * after that read is an edge that sets the ready flag once the state is armed,
     * and a state not armed yet is armed by the wait that follows, which reports data
     * already there. Skipping saves the read that would fail with EAGAIN before
     * nearly every wait of a request/response server (one system call per request).
     * Never after a hang-up: a short read returns the data before a FIN or a reset,
     * whose edge may have been consumed with the data's, so end of stream or the error
     * must be read, not waited for.
     */
    public boolean readDrained() {
        return readDrained && !readReady && !hungUp;
    }

    /** Takes the readiness a waiter was woken for; read readiness also ends {@link #readDrained}. */
    void consume(boolean read) {
        if (read) {
            readReady = false;
            readDrained = false;
        } else {
            writeReady = false;
        }
    }

    /** Records a stream read of {@code n} bytes (0: would block, -1: end of stream) that asked for {@code requested}. */
    public void afterRead(int n, int requested) {
        readDrained = n > 0 && n < requested;
    }

    /** This state as a one-element array, made on first use: a wait on it alone allocates nothing. */
    PollState[] alone() {
        PollState[] a = alone;
        if (a == null) {
            alone = a = new PollState[] {this};
        }
        return a;
    }

    /** Whether {@link #markClosed} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Marks the channel closed and wakes its waiters; the caller then closes it. */
    public void markClosed() {
        closed = true;
        HubLoop h = hub;
        if (h != null) {
            h.forget(this);
        }
        wake(reader);
        wake(writer);
    }

    /**
     * Registers {@code self} as the one thread waiting in a direction (the wait gives it
     * back by clearing {@link #reader} or {@link #writer}); false when it already was.
     * Another thread waiting there is Eventlet's "second simultaneous read":
     * IllegalStateException.
     */
    boolean claim(boolean read, Thread self) {
        Thread other = read ? reader : writer;
        if (other == self) {
            return false;
        }
        if (other != null) {
            throw new IllegalStateException("second simultaneous " + (read ? "read" : "write")
                    + " on the same socket: " + other + " is already waiting");
        }
        if (read) {
            reader = self;
        } else {
            writer = self;
        }
        return true;
    }


    /** Called by the poller's hub when readiness arrives. */
    void ready(int bits) {
        if ((bits & Poller.ERROR) != 0) {
            hungUp = true;
        }
        // Stores only on a change: a volatile store is a fence, and the native pollers
        // report WRITE with nearly every READ while writeReady is still set.
        if ((bits & (Poller.READ | Poller.ERROR)) != 0) {
            if (!readReady) {
                readReady = true;
            }
            wake(reader);
        }
        if ((bits & (Poller.WRITE | Poller.ERROR)) != 0) {
            if (!writeReady) {
                writeReady = true;
            }
            wake(writer);
        }
    }

    private static void wake(Thread t) {
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }
}
