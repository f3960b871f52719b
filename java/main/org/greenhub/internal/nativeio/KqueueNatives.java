package org.greenhub.internal.nativeio;

/**
 * The kqueue natives (macOS, BSD; on Linux only through the test shim). Every call
 * returns a count or 0 on success, or a negative errno (see {@link Errno}). Call
 * only when {@code NativeLibrary.unavailabilityCause("kqueue") == null}.
 */
final class KqueueNatives {
    private KqueueNatives() {
    }

    /** Creates a kqueue with its EVFILT_USER wake-up event registered; returns the kqueue fd. */
    static native int open();

    /** Registers {@code fd} for EVFILT_READ and EVFILT_WRITE with EV_CLEAR, tagged {@code token}. */
    static native int add(int kq, int fd, int token);

    /** Removes {@code fd}'s EVFILT_READ and EVFILT_WRITE registrations (EV_DELETE). */
    static native int del(int kq, int fd);

    /**
     * Waits at most {@code timeoutNanos} (negative: forever) and writes up to
     * {@code maxEvents} pairs of int32 (token, bits: READ 1, WRITE 2, ERROR 4) at
     * {@code eventsAddress}; the wake-up event is consumed and not reported.
     * Returns the number of pairs (a descriptor may appear twice: read and write).
     */
    static native int wait(int kq, long eventsAddress, int maxEvents, long timeoutNanos);

    /** Triggers the EVFILT_USER event. Any thread. */
    static native int wakeup(int kq);

    /** Closes the kqueue. */
    static native int close(int kq);
}
