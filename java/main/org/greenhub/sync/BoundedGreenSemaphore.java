package org.greenhub.sync;

/** eventlet.semaphore.BoundedSemaphore: releasing above the initial count throws IllegalStateException. */
public class BoundedGreenSemaphore extends GreenSemaphore {
    /**
     * Creates a semaphore with {@code count} permits, which is also its bound.
     *
     * @param count the initial and largest number of permits
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public BoundedGreenSemaphore(int count) {
        super(count, count);
    }
}
