package org.greenhub.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.greenhub.nativeio.Epoll;
import org.greenhub.nativeio.Errno;
import org.greenhub.nativeio.NativeLibrary;
import org.greenhub.nativeio.Sockets;
import org.greenhub.nativeio.TokenTable;

/**
 * The Linux poller: edge-triggered epoll, an eventfd for wake-ups. Each descriptor
 * is registered once, for read and write, on its first {@link #arm}.
 */
final class EpollPoller implements Poller {
    private static final int MAX_EVENTS = 4096;

    private final int epfd;
    private final int wakeFd;
    private final TokenTable<PollState> tokens = new TokenTable<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private ByteBuffer events;
    private long eventsAddress;
    private int capacity;
    private volatile boolean closed;

    private EpollPoller(int epfd, int wakeFd) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        allocate(256);
    }

    /** Opens an epoll poller, or throws an IOException naming why it cannot. */
    static Poller open() throws IOException {
        String cause = NativeLibrary.unavailabilityCause("epoll");
        if (cause != null) {
            throw new IOException("epoll hub unavailable: " + cause);
        }
        int[] fds = new int[2];
        Errno.check(Epoll.open(fds), "epoll_create");
        return new EpollPoller(fds[0], fds[1]);
    }

    private void allocate(int n) {
        events = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder());
        eventsAddress = Sockets.address(events);
        capacity = n;
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public void arm(PollState s, int interest) throws IOException {
        if (s.token >= 0) {
            return; // registered for both directions already
        }
        int token = tokens.add(s);
        int r = Epoll.add(epfd, s.fd, token);
        if (r == -Errno.EEXIST) {
            // Cancelled earlier without being closed (cancel leaves the kernel's entry): re-register.
            Epoll.del(epfd, s.fd);
            r = Epoll.add(epfd, s.fd, token);
        }
        if (r < 0) {
            tokens.remove(token);
            throw Errno.exception(r, "epoll_ctl(ADD, fd " + s.fd + ")");
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
        // No EPOLL_CTL_DEL: cancel runs for a closing descriptor, and closing it
        // removes the registration (descriptors are never dup'ed). A cancel that reaches the
        // hub after the close could otherwise remove a new socket that reused the number.
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        int n = Epoll.wait(epfd, wakeFd, eventsAddress, capacity, timeoutNanos);
        wakeupPending.set(false);
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return 0;
            }
            throw Errno.exception(n, "epoll_wait");
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
            Epoll.wakeup(wakeFd);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Sockets.close(wakeFd);
        Sockets.close(epfd);
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
