package org.greenhub.internal.nativeio;

import java.io.IOException;

/**
 * epoll (Linux): edge-triggered registration of descriptors under int tokens, waits
 * that write (token, bits) pairs into caller memory, and an eventfd for wake-ups.
 * Call only when {@code NativeLibrary.unavailabilityCause("epoll") == null}.
 */
public final class Epoll {
    private Epoll() {
    }

    /** A new epoll instance and its wake-up eventfd (registered, close-on-exec): {@code {epfd, wakeFd}}. */
    public static int[] open() throws IOException {
        int[] fds = new int[2];
        Errno.check(EpollNatives.open(fds), "epoll_create");
        return fds;
    }

    /**
     * Registers {@code fd} edge-triggered for read, write and hang-up under {@code token}.
     * A descriptor still registered from before (cancelled without being closed) is
     * registered anew. Returns false, registering nothing, when {@code fd} is not open.
     */
    public static boolean register(int epfd, int fd, int token) throws IOException {
        int r = EpollNatives.add(epfd, fd, token);
        if (r == -Errno.EEXIST) {
            EpollNatives.del(epfd, fd);
            r = EpollNatives.add(epfd, fd, token);
        }
        if (r == -Errno.EBADF) {
            return false;
        }
        Errno.check(r, "epoll registration of fd " + fd);
        return true;
    }

    /**
     * Removes {@code fd}'s registration, so that another poller may take it. Nothing
     * when it was not registered or is no longer open.
     */
    public static void deregister(int epfd, int fd) throws IOException {
        int r = EpollNatives.del(epfd, fd);
        if (r != -Errno.ENOENT && r != -Errno.EBADF) {
            Errno.check(r, "epoll deregistration of fd " + fd);
        }
    }

    /**
     * Waits at most {@code timeoutNanos} (negative: no limit; rounded up to ms) and writes
     * up to {@code maxEvents} (token, {@link Readiness} bits) int pairs at {@code address};
     * returns their count (0 on timeout, a wake-up or a signal). The wake-up eventfd is
     * drained, not reported.
     */
    public static int wait(int epfd, int wakeFd, long address, int maxEvents, long timeoutNanos) throws IOException {
        return Errno.check(EpollNatives.wait(epfd, wakeFd, address, maxEvents, timeoutNanos), "epoll_wait");
    }

    /** Makes a blocked or the next {@link #wait} return. Any thread; never fails (a pending wake-up suffices). */
    public static void wakeup(int wakeFd) {
        EpollNatives.wakeup(wakeFd);
    }

    /** Closes the instance and its eventfd. */
    public static void close(int epfd, int wakeFd) {
        Sockets.close(wakeFd);
        Sockets.close(epfd);
    }
}
