package org.greenhub.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.greenhub.nativeio.Errno;
import org.greenhub.nativeio.Kqueue;
import org.greenhub.nativeio.NativeLibrary;
import org.greenhub.nativeio.Sockets;
import org.greenhub.nativeio.TokenTable;

/**
 * The macOS/BSD poller: kqueue with EVFILT_READ and EVFILT_WRITE in EV_CLEAR
 * (edge) mode, an EVFILT_USER event for wake-ups. On Linux it runs only in tests,
 * over a kqueue-over-epoll shim.
 */
final class KqueuePoller implements Poller {
    private static final int MAX_EVENTS = 4096;

    private final int kq;
    private final TokenTable<PollState> tokens = new TokenTable<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private ByteBuffer events;
    private long eventsAddress;
    private int capacity;
    private volatile boolean closed;

    private KqueuePoller(int kq) {
        this.kq = kq;
        allocate(256);
    }

    /** Opens a kqueue poller, or throws an IOException naming why it cannot. */
    static Poller open() throws IOException {
        String cause = NativeLibrary.unavailabilityCause("kqueue");
        if (cause != null) {
            throw new IOException("kqueue hub unavailable: " + cause);
        }
        return new KqueuePoller(Errno.check(Kqueue.open(), "kqueue"));
    }

    private void allocate(int n) {
        events = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder());
        eventsAddress = Sockets.address(events);
        capacity = n;
    }

    @Override
    public String name() {
        return "kqueue";
    }

    @Override
    public void arm(PollState s, int interest) throws IOException {
        if (s.token >= 0) {
            return; // registered for both directions already
        }
        int token = tokens.add(s);
        int r = Kqueue.add(kq, s.fd, token);
        if (r < 0) {
            tokens.remove(token);
            throw Errno.exception(r, "kevent(EV_ADD, fd " + s.fd + ")");
        }
        s.token = token;
    }

    @Override
    public void cancel(PollState s) {
        int token = s.token;
        if (token < 0 || tokens.get(token) != s) {
            return;
        }
        s.token = -1;
        tokens.remove(token);
        // No EV_DELETE: cancel runs for a closing descriptor, and closing it
        // removes the registration (descriptors are never dup'ed). A cancel that reaches the
        // hub after the close could otherwise remove a new socket that reused the number.
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        int n = Kqueue.wait(kq, eventsAddress, capacity, timeoutNanos);
        wakeupPending.set(false);
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return 0;
            }
            throw Errno.exception(n, "kevent");
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
        if (n == capacity && capacity < MAX_EVENTS) {
            allocate(capacity * 2);
        }
        return reported;
    }

    @Override
    public void wakeup() {
        if (!closed && wakeupPending.compareAndSet(false, true)) {
            Kqueue.wakeup(kq);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Kqueue.close(kq);
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
