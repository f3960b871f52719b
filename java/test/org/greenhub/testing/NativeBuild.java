package org.greenhub.testing;

import java.util.Locale;

/**
 * Whether the build put a native hub's library on the class path: on Linux with a
 * C compiler and CMake it does, so a library that is there and does not load is a
 * failure; without them (or on another OS) the native tests are skipped with a reason.
 */
public final class NativeBuild {
    private NativeBuild() {
    }

    /** {@code hub} is "epoll" (libgreenhub) or "kqueue" (the kqueue-over-epoll test shim). */
    public static boolean builtHere(String hub) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        String arch = System.getProperty("os.arch", "");
        arch = arch.equals("amd64") ? "x86_64" : arch.equals("arm64") ? "aarch64" : arch;
        String lib = hub.equals("epoll") ? "libgreenhub.so" : hub.equals("kqueue") ? "libgreenhub-kqueue-shim.so" : null;
        return lib != null && NativeBuild.class.getResource("/META-INF/native/linux-" + arch + "/" + lib) != null;
    }
}
