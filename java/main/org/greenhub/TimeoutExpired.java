package org.greenhub;

/**
 * Thrown when a {@link Timeout} fires, and by timed waits that end at their deadline
 * ({@code Event.await(Duration)}, {@code ResourcePool.get(Duration)}).
 * {@link #timeout()} tells nested timeouts apart.
 */
public class TimeoutExpired extends RuntimeException {
    private final transient Timeout timeout;

    /**
     * Creates the exception for {@code timeout}.
     *
     * @param timeout the timeout that fired, or null for a timed wait that has none
     */
    public TimeoutExpired(Timeout timeout) {
        super(timeout == null ? "timed out" : "timed out after " + timeout.duration());
        this.timeout = timeout;
    }

    /**
     * The timeout that fired.
     *
     * @return the timeout, or null when a timed wait that has no Timeout threw this exception
     */
    public Timeout timeout() {
        return timeout;
    }
}
