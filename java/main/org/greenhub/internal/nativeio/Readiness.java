package org.greenhub.internal.nativeio;

/** Readiness bits, as the C pollers write them (gh.h; NativeLibraryTest checks the two agree). */
public final class Readiness {
    public static final int READ = 1, WRITE = 2, ERROR = 4;

    private Readiness() {
    }
}
