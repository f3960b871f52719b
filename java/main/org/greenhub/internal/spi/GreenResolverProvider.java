package org.greenhub.internal.spi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.greenhub.GreenException;
import org.greenhub.Tpool;
import org.greenhub.internal.hub.Strand;

/**
 * Makes host name lookups green: registered through
 * META-INF/services/java.net.spi.InetAddressResolverProvider, it wraps the JDK's
 * built-in resolver so that a lookup made by a green thread runs on a {@link Tpool}
 * thread and a slow DNS server never stalls a hub. Other threads (plain threads,
 * the pool's own threads) call the built-in resolver directly.
 */
public final class GreenResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        return new GreenResolver(configuration.builtinResolver());
    }

    @Override
    public String name() {
        return "greenhub";
    }

    /** The resolver: the built-in one, moved off the hub for green callers. */
    static final class GreenResolver implements InetAddressResolver {
        private static final System.Logger LOG = System.getLogger("org.greenhub.net");

        private final InetAddressResolver builtin;

        GreenResolver(InetAddressResolver builtin) {
            this.builtin = Objects.requireNonNull(builtin, "builtin");
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            if (Strand.currentGreen() == null) {
                return builtin.lookupByName(host, policy);
            }
            // Collect on the pool thread: a lazy stream could do its work on the hub later.
            return offHub(() -> builtin.lookupByName(host, policy).toList()).stream();
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            if (Strand.currentGreen() == null) {
                return builtin.lookupByAddress(addr);
            }
            return offHub(() -> builtin.lookupByAddress(addr));
        }

        private static <T> T offHub(Callable<T> lookup) throws UnknownHostException {
            try {
                return Tpool.execute(() -> {
                    LOG.log(System.Logger.Level.DEBUG, () -> "host name lookup on " + Thread.currentThread().getName());
                    return lookup.call();
                });
            } catch (GreenException e) {
                if (e.getCause() instanceof UnknownHostException u) {
                    throw u; // Tpool wraps checked exceptions; the JDK expects this one as is
                }
                throw e;
            }
        }
    }
}
