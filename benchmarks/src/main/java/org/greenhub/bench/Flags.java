package org.greenhub.bench;

import org.greenhub.Green;

/**
 * What the benchmarks share. The JVM flags green threads need are not here: ci/bench
 * passes those of ci/jvm.properties to the host JVM and the JMH forks inherit them.
 */
final class Flags {
    private Flags() {
    }

    /** Prints which hub the fork runs on, once. */
    static synchronized void reportHub() {
        if (!reported) {
            reported = true;
            System.out.println("greenhub hub: " + Green.hub().name());
        }
    }

    private static boolean reported;
}
