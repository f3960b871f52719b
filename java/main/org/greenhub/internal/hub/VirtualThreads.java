package org.greenhub.internal.hub;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

    /**
     * A factory of unstarted virtual threads whose scheduler is {@code scheduler} that
     * inherit nothing from the thread that makes them: no inheritable thread-locals, and
     * the system class loader as context class loader (the JDK's choice for a thread that
     * does not inherit).
     */
    static ThreadFactory nonInheritingFactory(Executor scheduler) {
        return builder(scheduler).inheritInheritableThreadLocals(false).factory();
    }

    /** Reads Thread.inheritableThreadLocals as an Object; null when java.lang is not open to greenhub. */
    private static final MethodHandle INHERITABLE_LOCALS = inheritableLocals();

    private static MethodHandle inheritableLocals() {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            return l.findGetter(Thread.class, "inheritableThreadLocals", Class.forName("java.lang.ThreadLocal$ThreadLocalMap"))
                    .asType(MethodType.methodType(Object.class, Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not opened (the JNI builder path): callers assume there is something to inherit
        }
    }

    /**
     * Whether a thread that {@code parent} makes, inheriting, would get nothing from it
     * that a thread from {@link #nonInheritingFactory} lacks: {@code parent} has no map of
     * inheritable thread-locals and its context class loader is the system class loader.
     * False when that cannot be told (java.lang not open to greenhub).
     */
    static boolean nothingToInherit(Thread parent) {
        MethodHandle h = INHERITABLE_LOCALS;
        if (h == null) {
            return false;
        }
        try {
            return (Object) h.invokeExact(parent) == null
                    && parent.getContextClassLoader() == ClassLoader.getSystemClassLoader();
        } catch (Throwable e) {
            return false;
        }
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
