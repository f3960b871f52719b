package org.greenhub;

/**
 * Thrown by a connection handler to end {@link Green#serve}, which then returns
 * normally (handlers still running go on).
 */
public class StopServe extends RuntimeException {
    /** Creates the exception, with the message "stop serving". */
    public StopServe() {
        super("stop serving");
    }
}
