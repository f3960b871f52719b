package org.greenhub.pools;

/**
 * eventlet.dagpool.Collision: thrown by {@link DagPool#spawn spawn} for a key that
 * already has a value or a green thread, and by {@link DagPool#post post} for a key
 * that already has a value, or a green thread other than the caller.
 */
public class Collision extends IllegalStateException {
    private final transient Object key;

    /**
     * Creates the exception for {@code key}; its message names the key.
     *
     * @param key the key spawned or posted a second time (may be null)
     */
    public Collision(Object key) {
        super("key " + key + " has already been spawned or posted");
        this.key = key;
    }

    /**
     * The key spawned or posted a second time.
     *
     * @return the key given to the constructor
     */
    public Object key() {
        return key;
    }
}
