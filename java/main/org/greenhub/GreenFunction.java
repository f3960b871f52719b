package org.greenhub;

/**
 * A function a pool maps over its inputs ({@code GreenPool.imap}); it may throw checked
 * exceptions, which reach the consumer wrapped in a {@link GreenException}.
 *
 * @param <A> the type of the inputs
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface GreenFunction<A, R> {
    /**
     * Applies the function to one input.
     *
     * @param arg the input
     * @return the result
     * @throws Exception any exception; the pool rethrows it at this input's position
     */
    R apply(A arg) throws Exception;
}
