package org.greenhub;

/** Carries a checked exception out of a green thread ({@link #getCause()} is the original). */
public class GreenException extends RuntimeException {
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
