package org.greenhub.internal.hub;

import java.io.IOException;
import org.greenhub.internal.nativeio.Epoll;
import org.greenhub.internal.nativeio.Errno;
import org.greenhub.internal.nativeio.Sockets;

/** The Linux poller: edge-triggered epoll, an eventfd for wake-ups. */
final class EpollPoller extends NativePoller {
    private final int epfd;
    private final int wakeFd;

    private EpollPoller(int epfd, int wakeFd) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
    }

    /** Opens an epoll poller, or throws an IOException naming why it cannot. */
    static Poller open() throws IOException {
        requireAvailable("epoll");
        int[] fds = new int[2];
        Errno.check(Epoll.open(fds), "epoll_create");
        return new EpollPoller(fds[0], fds[1]);
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    int register(int fd, int token) {
        int r = Epoll.add(epfd, fd, token);
        if (r == -Errno.EEXIST) {
            // Cancelled earlier without being closed (cancel leaves the kernel's entry): re-register.
            Epoll.del(epfd, fd);
            r = Epoll.add(epfd, fd, token);
        }
        return r;
    }

    @Override
    int waitForEvents(long address, int max, long timeoutNanos) {
        return Epoll.wait(epfd, wakeFd, address, max, timeoutNanos);
    }

    @Override
    void signalWakeup() {
        Epoll.wakeup(wakeFd);
    }

    @Override
    void closeDescriptors() {
        Sockets.close(wakeFd);
        Sockets.close(epfd);
    }
}
