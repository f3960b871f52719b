package org.greenhub.internal.hub;

import java.util.concurrent.Callable;

/**
 * How code below {@code org.greenhub} starts a green thread on a chosen hub (the hub
 * groups do). {@code org.greenhub.GreenThread}, whose constructor is not public, installs
 * the spawner when it is initialized: the JDK's SharedSecrets pattern, so that no
 * public API is added for it.
 */
public final class Spawning {
    /** Starts {@code fn} as a green thread of {@code hub} and returns its GreenThread. */
    public interface Spawner {
        Object spawn(HubLoop hub, Callable<?> fn);
    }

    private static volatile Spawner spawner;

    private Spawning() {
    }

    /** Called once, by GreenThread's class initializer. */
    public static void install(Spawner s) {
        spawner = s;
    }

    /** A started green thread of {@code hub} running {@code fn}: a {@code GreenThread}. */
    public static Object spawn(HubLoop hub, Callable<?> fn) {
        Spawner s = spawner;
        if (s == null) {
            throw new IllegalStateException("org.greenhub.GreenThread was not initialized");
        }
        return s.spawn(hub, fn);
    }
}
