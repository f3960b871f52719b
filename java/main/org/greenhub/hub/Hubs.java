package org.greenhub.hub;

import java.util.List;
import org.greenhub.internal.hub.HubKinds;

/**
 * Which hubs this JVM can run. Selection: system property {@code greenhub.hub} or
 * environment variable {@code GREENHUB_HUB} ({@code epoll}, {@code kqueue},
 * {@code nio}); by default the native hub of the OS when it loads, else {@code nio},
 * with one log line (System.Logger {@code org.greenhub.hub}, INFO) saying which and why.
 * The choice is made once, on first use; when the property or variable names a hub that
 * cannot run here, whatever first needs a hub or a socket throws an
 * IllegalStateException that names the cause.
 *
 * <p>greenhub prints nothing; it logs through System.Logger: {@code org.greenhub.hub}
 * (the hub chosen, INFO; a failed poll, a timer or scheduled callback that threw,
 * ERROR), {@code org.greenhub.native} (why the native core did not load, DEBUG) and
 * {@code org.greenhub} (an exception escaping a {@code spawnN} body, a
 * {@code Green.serve} handler or a {@code GreenThread.link} callback, ERROR).
 */
public final class Hubs {
    private Hubs() {
    }

    /**
     * The hubs that load here.
     *
     * @return a new list, native ones first: a sublist of epoll, kqueue, nio
     */
    public static List<String> available() {
        return HubKinds.available();
    }

    /**
     * Why hub {@code name} cannot load here (the native library is missing, built for
     * another platform, or the OS lacks the facility), or null when it loads. An
     * unknown name gets a cause that lists the hubs.
     *
     * @param name "epoll", "kqueue" or "nio" (any other value, null included, is unknown)
     * @return the cause, or null when the hub can run here
     */
    public static String unavailabilityCause(String name) {
        return HubKinds.unavailabilityCause(name);
    }

    /**
     * A group of {@code n} hubs of the selected kind, each on its own carrier thread,
     * running until {@link HubGroup#close()}.
     *
     * @param n the number of hubs, at least 1
     * @return the running group
     * @throws IllegalArgumentException if {@code n} is below 1
     * @throws IllegalStateException if the selected hub cannot run here
     * @throws java.io.UncheckedIOException if a hub cannot be opened (the others are closed)
     */
    public static HubGroup group(int n) {
        return new HubGroup(n);
    }

    /**
     * {@link #group(int)} with one hub per available processor.
     *
     * @return the running group
     */
    public static HubGroup group() {
        return group(Runtime.getRuntime().availableProcessors());
    }
}
