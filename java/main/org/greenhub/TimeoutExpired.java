package org.greenhub;

/** Thrown when a {@link Timeout} fires; {@link #timeout()} tells nested timeouts apart. */
public class TimeoutExpired extends RuntimeException {
    private final transient Timeout timeout;

    public TimeoutExpired(Timeout timeout) {
        super(timeout == null ? "timed out" : "timed out after " + timeout.duration());
        this.timeout = timeout;
    }

    /** The timeout that fired (null when thrown by a timed wait that has no Timeout). */
    public Timeout timeout() {
        return timeout;
    }
}
