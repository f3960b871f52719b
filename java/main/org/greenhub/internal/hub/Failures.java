package org.greenhub.internal.hub;

import java.util.ServiceLoader;

/**
 * The exceptions the hub core throws but does not define: they are public API types
 * of the facade, a layer above the core, which provides them through this service
 * ({@code provides} in module-info, META-INF/services on the class path), so that the
 * core depends on no package above it.
 */
public interface Failures {
    /** What a wait ended by an interrupt throws (the facade: a GreenException with {@code cause}). */
    RuntimeException interrupted(InterruptedException cause);

    /** The installed provider; without one, an IllegalStateException carrying the cause. */
    static Failures provider() {
        return Holder.PROVIDER;
    }

    /** Loaded on first use: an interrupt is rare. */
    final class Holder {
        static final Failures PROVIDER = ServiceLoader.load(Failures.class, Failures.class.getClassLoader())
                .findFirst()
                .orElse(cause -> new IllegalStateException(cause));

        private Holder() {
        }
    }
}
