package org.greenhub.pools;

/** An item taken from a {@link ResourcePool}; closing the lease puts it back (once). */
public interface Lease<T> extends AutoCloseable {
    /** The leased item. */
    T get();

    @Override
    void close();
}
