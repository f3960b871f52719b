package org.greenhub;

/** Thrown by a connection handler to end {@code Green.serve}, which then returns normally. */
public class StopServe extends RuntimeException {
    public StopServe() {
        super("stop serving");
    }
}
