package org.greenhub.internal.hub;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import org.greenhub.internal.nativeio.NativeLibrary;

/**
 * Reaches the JDK's virtual-thread builder that takes a scheduler
 * ({@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}, package-private
 * in JDK 21 to 25). Reflection needs {@code --add-opens java.base/java.lang=ALL-UNNAMED};
 * without it the native library makes the same call through JNI, which ignores
 * module access checks.
 */
final class VirtualThreads {
    /** The flag that opens the constructor to greenhub, on the class path or the module path. */
    static final String FLAG = "--add-opens java.base/java.lang="
            + (VirtualThreads.class.getModule().isNamed() ? VirtualThreads.class.getModule().getName() : "ALL-UNNAMED");
    private static volatile Constructor<?> builderConstructor;

    private VirtualThreads() {
    }

    /** A factory of unstarted virtual threads whose scheduler is {@code scheduler}. */
    static ThreadFactory factory(Executor scheduler) {
        return builder(scheduler).factory();
    }

    private static Thread.Builder.OfVirtual builder(Executor scheduler) {
        Throwable reflective;
        try {
            Constructor<?> c = builderConstructor;
            if (c == null) {
                c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                        .getDeclaredConstructor(Executor.class);
                c.setAccessible(true);
                builderConstructor = c;
            }
            return (Thread.Builder.OfVirtual) c.newInstance(scheduler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            reflective = e;
        }
        if (NativeLibrary.isLoaded()) {
            try {
                return NativeLibrary.newVirtualThreadBuilder(scheduler);
            } catch (RuntimeException | LinkageError e) {
                reflective.addSuppressed(e);
            }
        }
        throw new IllegalStateException("greenhub cannot run green threads on its hub: start the JVM with "
                + FLAG + " (or make the native library loadable: " + NativeLibrary.unavailabilityCause("epoll")
                + "). Java " + Runtime.version() + ": " + reflective, reflective);
    }
}
