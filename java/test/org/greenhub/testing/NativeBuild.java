package org.greenhub.testing;

import org.greenhub.internal.nativeio.NativeLibrary;

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
        if (!NativeLibrary.OS.equals("linux")) {
            return false;
        }
        String lib = hub.equals("epoll") ? "libgreenhub.so" : hub.equals("kqueue") ? "libgreenhub-kqueue-shim.so" : null;
        return lib != null && NativeBuild.class.getResource("/META-INF/native/" + NativeLibrary.platform() + "/" + lib) != null;
    }
}
