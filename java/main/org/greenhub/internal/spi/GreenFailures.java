package org.greenhub.internal.spi;

import org.greenhub.GreenException;
import org.greenhub.internal.hub.Failures;

/** The facade's exceptions for the hub core: a wait ended by an interrupt throws a GreenException. */
public final class GreenFailures implements Failures {
    @Override
    public RuntimeException interrupted(InterruptedException cause) {
        return new GreenException(cause);
    }
}
