package org.greenhub.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.greenhub.nativeio.NativeLibrary;

/**
 * Which hubs this JVM can run and which one it uses. Selection: system property
 * {@code greenhub.hub} or environment variable {@code GREENHUB_HUB} ({@code epoll},
 * {@code kqueue}, {@code nio}); by default the native hub of the OS when it loads,
 * else {@code nio}, with one line on standard error saying which and why.
 */
public final class Hubs {
    private static final List<String> ALL = List.of("epoll", "kqueue", "nio");
    private static volatile String selected;
    private static volatile Hub defaultHub;

    private Hubs() {
    }

    /** The hubs that load here, native ones first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (String n : ALL) {
            if (unavailabilityCause(n) == null) {
                names.add(n);
            }
        }
        return names;
    }

    /** Why hub {@code name} cannot load here, or null when it can. */
    public static String unavailabilityCause(String name) {
        if (name == null || !ALL.contains(name)) {
            return "unknown hub '" + name + "': the hubs are epoll, kqueue and nio";
        }
        return name.equals("nio") ? null : NativeLibrary.unavailabilityCause(name);
    }

    /** The name of the hub kind this JVM uses (chosen once). */
    public static String selected() {
        String s = selected;
        if (s == null) {
            synchronized (Hubs.class) {
                s = selected;
                if (s == null) {
                    selected = s = choose();
                }
            }
        }
        return s;
    }

    private static String choose() {
        String asked = System.getProperty("greenhub.hub");
        String source = "-Dgreenhub.hub";
        if (asked == null || asked.isBlank()) {
            asked = System.getenv("GREENHUB_HUB");
            source = "GREENHUB_HUB";
        }
        if (asked != null && !asked.isBlank()) {
            String name = asked.trim().toLowerCase(Locale.ROOT);
            String cause = unavailabilityCause(name);
            if (cause != null) {
                throw new IllegalStateException(source + "=" + asked + " selects a hub that cannot run here: " + cause);
            }
            return name;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String nativeHub = os.contains("linux") ? "epoll"
                : os.contains("mac") || os.contains("bsd") ? "kqueue" : null;
        String cause = nativeHub == null ? "no native hub for " + System.getProperty("os.name")
                : unavailabilityCause(nativeHub);
        if (cause == null) {
            System.err.println("greenhub: using the " + nativeHub + " hub");
            return nativeHub;
        }
        System.err.println("greenhub: using the nio hub (" + (nativeHub == null ? "" : nativeHub + " unavailable: ") + cause + ")");
        return "nio";
    }

    /** Internal: a new hub of the selected kind, not yet running. */
    public static Hub newHub() {
        return newHub(selected());
    }

    /** Internal: a new hub of kind {@code name}, not yet running. */
    public static Hub newHub(String name) {
        if (!NativeLibrary.isLoaded()) {
            NativeLibrary.raiseOpenFilesLimit();
        }
        try {
            Poller p = switch (name) {
                case "epoll" -> EpollPoller.open();
                case "kqueue" -> KqueuePoller.open();
                case "nio" -> NioPoller.open();
                default -> throw new IllegalArgumentException(unavailabilityCause(name));
            };
            return new Hub(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + name + " hub: " + e.getMessage(), e);
        }
    }

    /** The shared hub that serves green threads spawned from plain threads; started on first use. */
    public static Hub defaultHub() {
        Hub h = defaultHub;
        if (h == null) {
            synchronized (Hubs.class) {
                h = defaultHub;
                if (h == null) {
                    Hub hub = newHub();
                    Thread t = new Thread(() -> hub.loop(() -> false), "greenhub-default-hub");
                    t.setDaemon(true);
                    t.start();
                    defaultHub = h = hub;
                }
            }
        }
        return h;
    }
}
