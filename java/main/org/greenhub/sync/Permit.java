package org.greenhub.sync;

import java.util.concurrent.atomic.AtomicBoolean;

/** What a semaphore's {@code enter()} returns: closing it releases the permit (once). */
public interface Permit extends AutoCloseable {
    @Override
    void close();

    /** A permit whose first close runs {@code release}; later closes do nothing. */
    static Permit releasing(Runnable release) {
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        };
    }
}
