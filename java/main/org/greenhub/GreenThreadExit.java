package org.greenhub;

/**
 * Raised inside a killed green thread ({@link GreenThread#kill()}) at its current or
 * next blocking point; {@link GreenThread#await()} of a thread killed this way, or
 * cancelled before it started, throws it too. Code that catches it should let it
 * propagate so that the thread ends.
 */
public class GreenThreadExit extends RuntimeException {
    /** Creates the exception, with the message "green thread killed". */
    public GreenThreadExit() {
        super("green thread killed");
    }
}
