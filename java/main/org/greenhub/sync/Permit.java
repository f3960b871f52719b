package org.greenhub.sync;

import java.util.concurrent.atomic.AtomicBoolean;

/** What a semaphore's {@code enter()} returns: closing it releases the permit (once). */
public interface Permit extends AutoCloseable {
    /**
     * Releases the permit the first time; later calls do nothing. For a
     * {@link CappedGreenSemaphore} the release may wait, as its {@code release()} does.
     */
    @Override
    void close();

    /**
     * A permit whose first close runs {@code release}; later closes do nothing.
     *
     * @param release what releases the permit; must not be null (run only at the first close)
     * @return the permit
     */
    static Permit releasing(Runnable release) {
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        };
    }
}
