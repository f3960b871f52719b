package org.greenhub;

/**
 * A green thread's body that returns nothing; it may throw checked exceptions, which
 * reach an awaiting caller wrapped in a {@link GreenException}.
 */
@FunctionalInterface
public interface GreenRunnable {
    /**
     * Runs the body.
     *
     * @throws Exception any exception; it becomes the outcome of the green thread that runs the body
     */
    void run() throws Exception;
}
