package org.greenhub.internal.nativeio;

import java.io.IOException;

/**
 * kqueue (macOS, BSD; on Linux only through the test shim): EV_CLEAR registration of
 * descriptors for read and write under int tokens, waits that write (token, bits)
 * pairs into caller memory (a descriptor may appear twice), and an EVFILT_USER event
 * for wake-ups. Call only when {@code NativeLibrary.unavailabilityCause("kqueue") == null}.
 */
public final class Kqueue {
    private Kqueue() {
    }

    /** A new kqueue with its wake-up event registered. */
    public static int open() throws IOException {
        return Errno.check(KqueueNatives.open(), "kqueue");
    }

    /** Registers {@code fd} for read and write under {@code token}; false, registering nothing, when {@code fd} is not open. */
    public static boolean register(int kq, int fd, int token) throws IOException {
        int r = KqueueNatives.add(kq, fd, token);
        if (r == -Errno.EBADF) {
            return false;
        }
        Errno.check(r, "kqueue registration of fd " + fd);
        return true;
    }

    /** As {@link Epoll#deregister}. */
    public static void deregister(int kq, int fd) throws IOException {
        int r = KqueueNatives.del(kq, fd);
        if (r != -Errno.ENOENT && r != -Errno.EBADF) {
            Errno.check(r, "kqueue deregistration of fd " + fd);
        }
    }

    /** As {@link Epoll#wait}; the wake-up event is consumed, not reported. */
    public static int wait(int kq, long address, int maxEvents, long timeoutNanos) throws IOException {
        return Errno.check(KqueueNatives.wait(kq, address, maxEvents, timeoutNanos), "kevent");
    }

    /** Triggers the wake-up event. Any thread. */
    public static void wakeup(int kq) {
        KqueueNatives.wakeup(kq);
    }

    /** Closes the kqueue. */
    public static void close(int kq) {
        KqueueNatives.close(kq);
    }
}
