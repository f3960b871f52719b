package org.greenhub.internal.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.greenhub.internal.nativeio.NativeLibrary;

/**
 * The kinds of hub loop (epoll, kqueue, nio): which load here, which one this JVM
 * uses, and the shared default loop. Selection: system property {@code greenhub.hub}
 * or environment variable {@code GREENHUB_HUB}; by default the native kind of the OS
 * when it loads, else nio, with one log line saying which and why.
 */
public final class HubKinds {
    private static final System.Logger LOG = System.getLogger("org.greenhub.hub");
    private static final List<String> ALL = List.of("epoll", "kqueue", "nio");
    private static volatile String selected;
    private static volatile HubLoop defaultLoop;

    private HubKinds() {
    }

    /** The kinds that load here, native ones first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (String n : ALL) {
            if (unavailabilityCause(n) == null) {
                names.add(n);
            }
        }
        return names;
    }

    /** Why kind {@code name} cannot load here, or null when it can. */
    public static String unavailabilityCause(String name) {
        if (name == null || !ALL.contains(name)) {
            return "unknown hub '" + name + "': the hubs are epoll, kqueue and nio";
        }
        return name.equals("nio") ? null : NativeLibrary.unavailabilityCause(name);
    }

    /** The kind this JVM uses (chosen once). */
    public static String selected() {
        String s = selected;
        if (s == null) {
            synchronized (HubKinds.class) {
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
        String nativeHub = switch (NativeLibrary.OS) {
            case "linux" -> "epoll";
            case "macos", "freebsd" -> "kqueue";
            default -> null;
        };
        String cause = nativeHub == null ? "no native hub for " + System.getProperty("os.name")
                : unavailabilityCause(nativeHub);
        if (cause == null) {
            LOG.log(Level.INFO, "using the " + nativeHub + " hub");
            return nativeHub;
        }
        LOG.log(Level.INFO, "using the nio hub (" + (nativeHub == null ? "" : nativeHub + " unavailable: ") + cause + ")");
        return "nio";
    }

    /** A new loop of the selected kind, not yet running. */
    public static HubLoop open() {
        return open(selected());
    }

    /** A new loop of kind {@code name}, not yet running. */
    public static HubLoop open(String name) {
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
            return new HubLoop(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + name + " hub: " + e.getMessage(), e);
        }
    }

    /** The shared loop that serves green threads spawned from plain threads; started on first use. */
    public static HubLoop defaultLoop() {
        HubLoop h = defaultLoop;
        if (h == null) {
            synchronized (HubKinds.class) {
                h = defaultLoop;
                if (h == null) {
                    HubLoop loop = open();
                    Thread t = new Thread(() -> loop.loop(() -> false), "greenhub-default-hub");
                    t.setDaemon(true);
                    t.start();
                    defaultLoop = h = loop;
                }
            }
        }
        return h;
    }
}
