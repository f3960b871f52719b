package org.greenhub.pools;

/**
 * eventlet.dagpool.PropagateError: the outcome of a {@link DagPool} key whose
 * function failed, thrown to whoever retrieves that key's value. {@link #key()} names
 * the key and {@link #getCause()} is what its function threw; when the function
 * never ran because one of its dependencies failed, the cause is that dependency's
 * PropagateError. Following the causes therefore traces a failure back through the
 * graph: for {@code c} depending on {@code b} depending on a failed {@code a},
 * retrieving {@code c} throws {@code PropagateError(c, PropagateError(b,
 * PropagateError(a, e)))}.
 */
public class PropagateError extends RuntimeException {
    private final transient Object key;

    /**
     * Creates the error of {@code key}; its message names the key and the cause.
     *
     * @param key the key whose function failed (may be null)
     * @param cause what the function threw, or the PropagateError of the dependency
     *              that kept it from running (may be null)
     */
    public PropagateError(Object key, Throwable cause) {
        super("key " + key + " failed" + (cause == null ? "" : ": " + cause), cause);
        this.key = key;
    }

    /**
     * The key whose function failed.
     *
     * @return the key given to the constructor
     */
    public Object key() {
        return key;
    }
}
