package org.greenhub;

/** Raised inside a killed green thread at its blocking point; {@code await()} of a killed thread throws it. */
public class GreenThreadExit extends RuntimeException {
    public GreenThreadExit() {
        super("green thread killed");
    }
}
