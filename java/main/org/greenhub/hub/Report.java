package org.greenhub.hub;

/** Internal: how greenhub reports a failure that has nobody to throw to: printed once with its stack. */
public final class Report {
    private Report() {
    }

    public static void error(String what, Throwable t) {
        synchronized (System.err) {
            System.err.println("greenhub: " + what);
            t.printStackTrace();
        }
    }
}
