package org.greenhub.sync;

/** What a semaphore's {@code enter()} returns: closing it releases the permit (once). */
public interface Permit extends AutoCloseable {
    @Override
    void close();
}
