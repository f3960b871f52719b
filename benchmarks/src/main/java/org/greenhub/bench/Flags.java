package org.greenhub.bench;

import org.greenhub.hub.Hubs;

/** The JVM flags green threads need, for the JMH forks (README, "JVM flags"). */
final class Flags {
    static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String NO_TRACKING = "-Djdk.trackAllThreads=false";

    private Flags() {
    }

    /** Prints which hub the fork runs on, once. */
    static synchronized void reportHub() {
        if (!reported) {
            reported = true;
            System.out.println("greenhub hub: " + Hubs.selected());
        }
    }

    private static boolean reported;
}
