package org.greenhub.pools;

/**
 * An item taken from a {@link ResourcePool}; closing the lease puts it back (once).
 *
 * @param <T> the type of the item
 */
public interface Lease<T> extends AutoCloseable {
    /**
     * The leased item.
     *
     * @return the item, also after the lease is closed
     */
    T get();

    /** Puts the item back into its pool the first time; later calls do nothing. Never blocks. */
    @Override
    void close();
}
