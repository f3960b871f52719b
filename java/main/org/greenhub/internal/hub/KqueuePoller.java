package org.greenhub.internal.hub;

import java.io.IOException;
import org.greenhub.internal.nativeio.Kqueue;

/**
 * The macOS/BSD poller: kqueue with EVFILT_READ and EVFILT_WRITE in EV_CLEAR (edge)
 * mode, an EVFILT_USER event for wake-ups. On Linux it runs only in tests, over a
 * kqueue-over-epoll shim. EV_ADD of a registered descriptor updates it in place.
 */
final class KqueuePoller extends NativePoller {
    private final int kq;

    private KqueuePoller(int kq) {
        this.kq = kq;
    }

    /** Opens a kqueue poller, or throws an IOException naming why it cannot. */
    static Poller open() throws IOException {
        requireAvailable("kqueue");
        return new KqueuePoller(Kqueue.open());
    }

    @Override
    public String name() {
        return "kqueue";
    }

    @Override
    boolean register(int fd, int token) throws IOException {
        return Kqueue.register(kq, fd, token);
    }

    @Override
    void deregister(int fd) throws IOException {
        Kqueue.deregister(kq, fd);
    }

    @Override
    int waitForEvents(long address, int max, long timeoutNanos) throws IOException {
        return Kqueue.wait(kq, address, max, timeoutNanos);
    }

    @Override
    void signalWakeup() {
        Kqueue.wakeup(kq);
    }

    @Override
    void closeDescriptors() {
        Kqueue.close(kq);
    }
}
