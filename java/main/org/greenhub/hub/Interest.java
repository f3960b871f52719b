package org.greenhub.hub;

/** The direction a green thread waits for: readable (or a pending accept) or writable (or a finished connect). */
public enum Interest {
    /** Readable, a pending accept, a datagram queued, or the peer closed. */
    READ,
    /** Writable, or a connect finished (successfully or not). */
    WRITE
}
