package org.greenhub.internal.hub;

import java.io.IOException;
import org.greenhub.internal.nativeio.Epoll;

/** The Linux poller: edge-triggered epoll, an eventfd for wake-ups. */
final class EpollPoller extends NativePoller {
    private final int epfd;
    private final int wakeFd;

    private EpollPoller(int[] fds) {
        this.epfd = fds[0];
        this.wakeFd = fds[1];
    }

    /** Opens an epoll poller, or throws an IOException naming why it cannot. */
    static Poller open() throws IOException {
        requireAvailable("epoll");
        return new EpollPoller(Epoll.open());
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    boolean register(int fd, int token) throws IOException {
        return Epoll.register(epfd, fd, token);
    }

    @Override
    void deregister(int fd) throws IOException {
        Epoll.deregister(epfd, fd);
    }

    @Override
    int waitForEvents(long address, int max, long timeoutNanos) throws IOException {
        return Epoll.wait(epfd, wakeFd, address, max, timeoutNanos);
    }

    @Override
    void signalWakeup() {
        Epoll.wakeup(wakeFd);
    }

    @Override
    void closeDescriptors() {
        Epoll.close(epfd, wakeFd);
    }
}
