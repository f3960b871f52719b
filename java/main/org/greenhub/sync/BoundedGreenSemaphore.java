package org.greenhub.sync;

/** eventlet.semaphore.BoundedSemaphore: releasing above the initial count throws IllegalStateException. */
public class BoundedGreenSemaphore extends GreenSemaphore {
    public BoundedGreenSemaphore(int count) {
        super(count, count);
    }
}
