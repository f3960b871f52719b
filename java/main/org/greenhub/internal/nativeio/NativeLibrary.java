package org.greenhub.internal.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Loads greenhub's native core (libgreenhub) from the jar, once, lazily, and says
 * why a native hub cannot run when it cannot.
 *
 * <p>The library sits at {@code META-INF/native/<os>-<arch>/libgreenhub.so} (or
 * {@code .dylib}) with os in linux, macos, freebsd and arch in x86_64, aarch64. It
 * is copied to a temporary file, loaded, and the file deleted. On Linux the tests
 * also find {@code libgreenhub-kqueue-shim.so}: the kqueue poller compiled over a
 * kqueue-over-epoll shim, so the kqueue code runs here too.
 *
 * <p>{@code -Dgreenhub.native=false} disables the native core (the nio hub runs).
 */
public final class NativeLibrary {
    private static final System.Logger LOG = System.getLogger("org.greenhub.native");

    /** The operating system, normalized: linux, macos, freebsd, windows or the lower-cased name. */
    public static final String OS = normalizeOs(System.getProperty("os.name", ""));
    /** The architecture, normalized: x86_64, aarch64 or the lower-cased name. */
    public static final String ARCH = normalizeArch(System.getProperty("os.arch", ""));

    private static final Object LOCK = new Object();
    private static volatile boolean attempted;
    private static volatile String mainCause = "not loaded yet";
    private static volatile boolean shimAttempted;
    private static volatile String shimCause = "not loaded yet";
    private static volatile boolean limitRaised;
    private static volatile java.util.Map<String, Integer> errnoTable = java.util.Map.of();

    private NativeLibrary() {
    }

    /** {@code <os>-<arch>}, e.g. {@code linux-x86_64}, {@code macos-aarch64}. */
    public static String platform() {
        return OS + "-" + ARCH;
    }

    /** Loads libgreenhub if not yet tried; whether it is loaded. Never throws. */
    public static boolean isLoaded() {
        ensureMain();
        return mainCause == null;
    }

    /**
     * Null when the native code of the hub {@code hubName} ("epoll", "kqueue",
     * "nio") can run here, else one sentence saying why not. Never throws.
     */
    public static String unavailabilityCause(String hubName) {
        try {
            String hub = hubName == null ? "" : hubName.toLowerCase(Locale.ROOT);
            switch (hub) {
                case "nio":
                    return null;
                case "epoll":
                    if (!OS.equals("linux")) {
                        return "epoll is Linux-only (this is " + platform() + ")";
                    }
                    ensureMain();
                    return mainCause;
                case "kqueue":
                    if (OS.equals("macos") || OS.equals("freebsd")) {
                        ensureMain();
                        return mainCause;
                    }
                    if (!OS.equals("linux")) {
                        return "kqueue is only on macOS and BSD (this is " + platform() + ")";
                    }
                    ensureMain();
                    if (mainCause != null) {
                        return mainCause;
                    }
                    ensureShim();
                    return shimCause;
                default:
                    return "unknown hub \"" + hubName + "\" (known: epoll, kqueue, nio)";
            }
        } catch (Throwable t) {
            return "native code failed to load: " + t;
        }
    }

    /**
     * A virtual-thread builder whose threads are scheduled by {@code scheduler},
     * through the JDK's package-private {@code ThreadBuilders.VirtualThreadBuilder(Executor)}
     * reached from JNI (no {@code --add-opens} needed).
     *
     * @throws UnsupportedOperationException when the native library is not loaded
     *     or this JDK lacks that constructor
     */
    public static Thread.Builder.OfVirtual newVirtualThreadBuilder(Executor scheduler) {
        if (scheduler == null) {
            throw new NullPointerException("scheduler");
        }
        if (!isLoaded()) {
            throw new UnsupportedOperationException("greenhub native library not loaded: " + mainCause);
        }
        try {
            return newVirtualThreadBuilder0(scheduler);
        } catch (LinkageError e) {
            throw new UnsupportedOperationException(
                    "this JDK has no java.lang.ThreadBuilders$VirtualThreadBuilder(Executor): " + e, e);
        }
    }

    private static native Thread.Builder.OfVirtual newVirtualThreadBuilder0(Executor scheduler);

    /** The values of the errno names of {@link #errnoNames}, in the same order. */
    private static native int[] errnoValues();

    /** The errno names C knows (its one table of them). */
    private static native String[] errnoNames();

    /** The readiness bits C's pollers write: READ, WRITE, ERROR. */
    static native int[] readinessBits();

    /** The errno values by name, read from C at load; empty when the library is not loaded. */
    static java.util.Map<String, Integer> errnoTable() {
        ensureMain();
        return errnoTable;
    }

    /** strerror(errno). */
    static native String strerror(int errno);

    /** Raises RLIMIT_NOFILE soft to hard; returns the new soft limit or -errno. */
    private static native long raiseNoFile0();

    /**
     * Raises the soft limit on open files to the hard limit (capped as the OS
     * requires): in C when the native library is loaded (it also did so at load),
     * else through JNA on Linux and macOS. Idempotent; failures are ignored.
     */
    public static void raiseOpenFilesLimit() {
        if (limitRaised) {
            return;
        }
        synchronized (LOCK) {
            if (limitRaised) {
                return;
            }
            limitRaised = true;
            if (isLoaded()) {
                long r = raiseNoFile0();
                if (r < 0) {
                    LOG.log(System.Logger.Level.DEBUG, "could not raise RLIMIT_NOFILE: errno " + (-r));
                }
                return;
            }
            raiseWithJna();
        }
    }

    /** The JNA path of {@link #raiseOpenFilesLimit()}; whether it ran without error. */
    static boolean raiseWithJna() {
        if (!OS.equals("linux") && !OS.equals("macos")) {
            return false;
        }
        try {
            return JnaRlimit.raise(OS.equals("linux") ? 7 : 8, OS.equals("macos"));
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.DEBUG, "could not raise RLIMIT_NOFILE through JNA: " + t);
            return false;
        }
    }

    // ---------------------------------------------------------------- loading

    private static void ensureMain() {
        if (attempted) {
            return;
        }
        synchronized (LOCK) {
            if (attempted) {
                return;
            }
            String cause;
            try {
                cause = loadMain();
            } catch (Throwable t) {
                cause = "native library failed to load: " + t;
            }
            mainCause = cause;
            attempted = true;
            if (cause == null) {
                limitRaised = true; // JNI_OnLoad raised it
            } else {
                LOG.log(System.Logger.Level.DEBUG, "greenhub native core not loaded: " + cause);
            }
        }
    }

    private static String loadMain() {
        if ("false".equalsIgnoreCase(System.getProperty("greenhub.native"))) {
            return "native code disabled by -Dgreenhub.native=false";
        }
        String name = OS.equals("macos") ? "libgreenhub.dylib" : "libgreenhub.so";
        String cause = loadResource(name, "no native library for " + platform()
                + " in the jar (built without a C compiler?)");
        if (cause == null) {
            String[] names = errnoNames();
            int[] values = errnoValues();
            java.util.Map<String, Integer> table = new java.util.HashMap<>();
            for (int i = 0; i < names.length; i++) {
                table.put(names[i], values[i]);
            }
            errnoTable = java.util.Map.copyOf(table);
        }
        return cause;
    }

    private static void ensureShim() {
        if (shimAttempted) {
            return;
        }
        synchronized (LOCK) {
            if (shimAttempted) {
                return;
            }
            String cause;
            try {
                cause = loadResource("libgreenhub-kqueue-shim.so",
                        "kqueue is not native on Linux; only the test shim provides it");
            } catch (Throwable t) {
                cause = "kqueue test shim failed to load: " + t;
            }
            shimCause = cause;
            shimAttempted = true;
        }
    }

    /** Null when loaded, else the cause. */
    private static String loadResource(String libName, String missing) {
        String resource = "META-INF/native/" + platform() + "/" + libName;
        ClassLoader cl = NativeLibrary.class.getClassLoader();
        URL url = cl == null ? ClassLoader.getSystemResource(resource) : cl.getResource(resource);
        if (url == null) {
            return missing;
        }
        Path tmp = null;
        try {
            int dot = libName.lastIndexOf('.');
            tmp = Files.createTempFile(libName.substring(0, dot) + "-", libName.substring(dot));
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            System.load(tmp.toAbsolutePath().toString());
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "cannot load " + resource + ": " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            return "cannot extract " + resource + ": " + e;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    tmp.toFile().deleteOnExit();
                }
            }
        }
    }

    static String normalizeOs(String osName) {
        String s = osName.toLowerCase(Locale.ROOT).replace(" ", "");
        if (s.startsWith("linux")) {
            return "linux";
        }
        if (s.startsWith("macos") || s.startsWith("osx") || s.startsWith("darwin")) {
            return "macos";
        }
        if (s.startsWith("freebsd")) {
            return "freebsd";
        }
        return s.isEmpty() ? "unknown" : s;
    }

    static String normalizeArch(String arch) {
        String s = arch.toLowerCase(Locale.ROOT);
        switch (s) {
            case "amd64":
            case "x86_64":
            case "x64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            default:
                return s.isEmpty() ? "unknown" : s;
        }
    }

    /** JNA path, only touched when the native library is absent. */
    private static final class JnaRlimit {
        interface C extends com.sun.jna.Library {
            int getrlimit(int resource, long[] rlim);

            int setrlimit(int resource, long[] rlim);
        }

        static boolean raise(int resource, boolean macos) {
            C c = com.sun.jna.Native.load("c", C.class);
            long[] r = new long[2];
            if (c.getrlimit(resource, r) != 0) {
                return false;
            }
            long want = r[1];
            if (macos && (want < 0 || want > 10240)) {
                want = 10240; // OPEN_MAX: macOS refuses more for RLIMIT_NOFILE
            }
            if (Long.compareUnsigned(r[0], want) < 0) {
                r[0] = want;
                return c.setrlimit(resource, r) == 0;
            }
            return true;
        }
    }
}
