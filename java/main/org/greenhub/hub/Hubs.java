package org.greenhub.hub;

import java.util.List;
import org.greenhub.internal.hub.HubKinds;

/**
 * Which hubs this JVM can run. Selection: system property {@code greenhub.hub} or
 * environment variable {@code GREENHUB_HUB} ({@code epoll}, {@code kqueue},
 * {@code nio}); by default the native hub of the OS when it loads, else {@code nio},
 * with one log line (System.Logger {@code org.greenhub.hub}, INFO) saying which and why.
 */
public final class Hubs {
    private Hubs() {
    }

    /** The hubs that load here, native ones first: a sublist of epoll, kqueue, nio. */
    public static List<String> available() {
        return HubKinds.available();
    }

    /**
     * Why hub {@code name} cannot load here (the native library is missing, built for
     * another platform, or the OS lacks the facility), or null when it loads. An
     * unknown name gets a cause that lists the hubs.
     */
    public static String unavailabilityCause(String name) {
        return HubKinds.unavailabilityCause(name);
    }
}
