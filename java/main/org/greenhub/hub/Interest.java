package org.greenhub.hub;

/** The direction a green thread waits for: readable (or a pending accept) or writable (or a finished connect). */
public enum Interest {
    READ, WRITE
}
