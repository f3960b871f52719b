package org.greenhub.pools;

/**
 * An item taken from a {@link ResourcePool}; closing the lease puts it back (once),
 * unless {@link #discard()} dropped it first.
 *
 * <pre>{@code
 * try (Lease<Connection> lease = pool.lease()) {
 *     try {
 *         query(lease.get());
 *     } catch (SQLException | RuntimeException e) { // killed or timed out halfway, or broken
 *         lease.discard();
 *         lease.get().close();
 *         throw e;
 *     }
 * }
 * }</pre>
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

    /** Puts the item back into its pool the first time; later calls, and calls after {@link #discard()}, do nothing. Never blocks. */
    @Override
    void close();

    /**
     * Drops the item instead of putting it back ({@link ResourcePool#discard}): the pool
     * counts one item fewer and {@link #close()} does nothing any more. For an item left
     * broken, such as a connection whose query was killed or timed out halfway. The item
     * is not closed. Only the first of close and discard counts. Never blocks.
     */
    void discard();
}
