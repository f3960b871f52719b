package org.greenhub.internal.hub;

import java.nio.channels.SelectableChannel;

/**
 * The readiness state of one green channel: its descriptor (native pollers) or
 * selectable channel (nio poller), the green threads waiting on it, and what the
 * poller has reported that nobody has consumed yet.
 *
 * <p>One waiter per direction (Eventlet's "second simultaneous read" guard).
 * A state is armed in at most one poller, the one of the hub that first waited on it.
 */
public final class PollState {
    /** The descriptor, or -1 for a java.nio channel. */
    public final int fd;
    /** The java.nio channel, or null for a native descriptor. */
    public final SelectableChannel channel;

    // Owned by the poller the state is armed in (hub thread only).
    volatile HubLoop hub;     // the hub whose poller this state is armed in (set once)
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

    /** The hub whose poller watches this state: bound on first wait, to the waiter's hub (plain threads: the default hub). */
    HubLoop owner(Strand waiter) {
        HubLoop h = hub;
        return h != null ? h : bind(waiter);
    }

    private synchronized HubLoop bind(Strand waiter) {
        if (hub == null) {
            HubLoop h = waiter.hub();
            hub = h != null ? h : HubKinds.defaultLoop();
        }
        return hub;
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
