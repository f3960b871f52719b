package org.greenhub;

/**
 * An unchecked exception that carries another one, its {@linkplain #getCause() cause}.
 * greenhub throws it in two cases: where a checked exception escapes code it runs for
 * the caller ({@code GreenThread.await}, {@code Green.run}, {@code Green.withTimeout},
 * {@code Tpool.execute}, {@code Event.await}, a pool task run inline), the cause being
 * that exception; and where a thread is interrupted before or while it waits in a
 * greenhub primitive, the cause being an {@link InterruptedException} (the thread's
 * interrupt status stays set, as java.util.concurrent leaves it observable).
 * Unchecked exceptions and errors are never wrapped.
 */
public class GreenException extends RuntimeException {
    /**
     * Creates an exception carrying {@code cause}; its message is {@code cause.toString()}.
     *
     * @param cause the exception carried (may be null: then the message is null too)
     */
    public GreenException(Throwable cause) {
        super(cause == null ? null : cause.toString(), cause);
    }

    /** Rethrows {@code t} as it is when unchecked, wrapped in a GreenException when checked. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new GreenException(t);
    }
}
