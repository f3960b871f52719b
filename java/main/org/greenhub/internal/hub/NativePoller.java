package org.greenhub.internal.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.greenhub.internal.nativeio.NativeLibrary;
import org.greenhub.internal.nativeio.Sockets;

/**
 * What the epoll and kqueue pollers share: each descriptor is registered once,
 * edge-triggered for read and write, under a token (its index in a table here);
 * the C side writes ready events as (token, bits) int pairs into an off-heap
 * buffer, so Java needs no struct layouts; a wake-up is written only when none is
 * pending. Subclasses supply the system calls.
 */
abstract class NativePoller implements Poller {
    /** Event pairs per wait. C clamps a wait to its own batch (epoll 256, kqueue 128), so more would go unused. */
    private static final int EVENTS = 256;

    private final TokenTable<PollState> tokens = new TokenTable<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final ByteBuffer events = ByteBuffer.allocateDirect(EVENTS * 8).order(ByteOrder.nativeOrder());
    private final long eventsAddress = Sockets.address(events);
    private volatile boolean closed;

    /** Throws an IOException naming why the native code of {@code hub} cannot run. */
    static void requireAvailable(String hub) throws IOException {
        String cause = NativeLibrary.unavailabilityCause(hub);
        if (cause != null) {
            throw new IOException(hub + " hub unavailable: " + cause);
        }
    }

    /** Registers {@code fd} for read and write, edge-triggered, under {@code token}; false when {@code fd} is not open. */
    abstract boolean register(int fd, int token) throws IOException;

    /** Removes {@code fd}'s registration; nothing when it has none or is closed. */
    abstract void deregister(int fd) throws IOException;

    /** Waits; writes up to {@code max} (token, bits) pairs at {@code address}; their count. */
    abstract int waitForEvents(long address, int max, long timeoutNanos) throws IOException;

    /** Interrupts a wait from any thread. */
    abstract void signalWakeup();

    /** Closes the poller's own descriptors. */
    abstract void closeDescriptors();

    @Override
    public void arm(PollState s, int interest) throws IOException {
        if (s.token >= 0) {
            return; // registered for both directions already
        }
        int token = tokens.add(s);
        boolean registered = false;
        try {
            registered = register(s.fd, token);
        } finally {
            if (!registered) {
                tokens.remove(token);
            }
        }
        if (registered) {
            s.token = token;
        } else {
            s.ready(ERROR); // closed under us: as on the nio poller, its waiter wakes and its call fails
        }
    }

    @Override
    public void cancel(PollState s) {
        int token = s.token;
        if (token < 0 || tokens.get(token) != s) {
            return;
        }
        s.token = -1;
        tokens.remove(token);
        // No EPOLL_CTL_DEL / EV_DELETE: cancel runs for a closing descriptor, and closing
        // it removes the registration (descriptors are never dup'ed). A cancel that reaches
        // the hub after the close could otherwise remove a new socket that reused the number.
    }

    /**
     * Unlike {@link #cancel}, takes the registration out of the kernel: the descriptor
     * stays open, and its events would otherwise keep coming here under a token that
     * another state may get next.
     */
    @Override
    public boolean release(PollState s) {
        int token = s.token;
        if (token < 0 || tokens.get(token) != s) {
            return true;
        }
        try {
            deregister(s.fd);
        } catch (IOException e) {
            return false;
        }
        cancel(s);
        return true;
    }

    @Override
    public void forEachArmed(java.util.function.Consumer<PollState> action) {
        tokens.forEach(action);
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        int n;
        try {
            n = waitForEvents(eventsAddress, EVENTS, timeoutNanos);
        } finally {
            if (wakeupPending.get()) { // read first: most waits end without a wake-up, and set() is a fence
                wakeupPending.set(false);
            }
        }
        int reported = 0;
        tokens.beginBatch();
        try {
            for (int i = 0; i < n; i++) {
                PollState s = tokens.get(events.getInt(i * 8));
                if (s != null) {
                    sink.ready(s, events.getInt(i * 8 + 4));
                    reported++;
                }
            }
        } finally {
            tokens.endBatch();
        }
        return reported;
    }

    @Override
    public void wakeup() {
        if (!closed && wakeupPending.compareAndSet(false, true)) {
            signalWakeup();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeDescriptors();
    }

    /** Registrations in use (tests). */
    int registered() {
        return tokens.size();
    }

    /** Token table high-water mark (tests). */
    int tokenHighWater() {
        return tokens.capacityUsed();
    }
}
