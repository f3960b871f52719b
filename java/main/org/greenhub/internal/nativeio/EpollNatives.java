package org.greenhub.internal.nativeio;

/**
 * The epoll natives (Linux). Every call returns a count or 0 on success, or a
 * negative errno; {@link Epoll} turns those into results and exceptions. Call only when
 * {@code NativeLibrary.unavailabilityCause("epoll") == null}.
 */
final class EpollNatives {
    private EpollNatives() {
    }

    /**
     * Creates an epoll instance and its wake-up eventfd (both close-on-exec), the
     * eventfd already registered. {@code out[0]} = epoll fd, {@code out[1]} = eventfd.
     */
    static native int open(int[] out);

    /** Registers {@code fd} edge-triggered for read, write and hang-up, tagged {@code token}. */
    static native int add(int epfd, int fd, int token);

    /** Removes {@code fd}. */
    static native int del(int epfd, int fd);

    /**
     * Waits at most {@code timeoutNanos} (negative: forever; rounded up to ms) and
     * writes up to {@code maxEvents} pairs of int32 (token, bits: READ 1, WRITE 2,
     * ERROR 4) at {@code eventsAddress}. The wake-up eventfd is drained and not
     * reported. Returns the number of pairs; 0 on timeout, wake-up only or EINTR.
     */
    static native int wait(int epfd, int wakeFd, long eventsAddress, int maxEvents, long timeoutNanos);

    /** Makes a blocked or the next {@link #wait} return (writes the eventfd). Any thread. */
    static native int wakeup(int wakeFd);
}
