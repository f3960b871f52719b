package org.greenhub.internal.spi;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.Tpool;
import org.greenhub.internal.spi.GreenResolverProvider.GreenResolver;
import org.greenhub.testing.LogCapture;
import org.junit.jupiter.api.Test;

/** Host name lookups from green threads go through Tpool. No lookup leaves this machine. */
@org.junit.jupiter.api.Timeout(30)
class ResolverTest {
    static final LookupPolicy ANY = LookupPolicy.of(LookupPolicy.IPV4 | LookupPolicy.IPV6);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A built-in resolver stand-in that records the thread it runs on. */
    static final class FakeBuiltin implements InetAddressResolver {
        volatile Thread lastThread;
        final CountDownLatch release;

        FakeBuiltin(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            lastThread = Thread.currentThread();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new UnknownHostException("interrupted");
            }
            if (host.equals("nowhere")) {
                throw new UnknownHostException(host);
            }
            return Stream.of(LOOPBACK);
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            lastThread = Thread.currentThread();
            throw new UnknownHostException("no name");
        }
    }

    @Test
    void theInstalledResolverMovesGreenLookupsToThePool() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Green.run(() -> {
                assertTrue(InetAddress.getByName("localhost").isLoopbackAddress());
                // A reverse lookup is never cached by the JDK, so it reaches the installed resolver.
                InetAddress a = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
                assertNotNull(a.getHostName());
            });
            String text = log.text();
            assertTrue(text.contains("host name lookup on greenhub-tpool-"),
                    "the lookup did not go through greenhub's resolver to the pool:\n" + text);
        }
        // a plain thread resolves directly
        try (LogCapture log = new LogCapture()) {
            assertNotNull(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName());
            assertFalse(log.text().contains("host name lookup on"), log.text());
        }
    }

    @Test
    void otherGreenThreadsRunDuringALookup() {
        CountDownLatch release = new CountDownLatch(1);
        FakeBuiltin builtin = new FakeBuiltin(release);
        GreenResolver resolver = new GreenResolver(builtin);
        Green.run(() -> {
            // The lookup blocks until another green thread of this hub releases it:
            // done on the hub, it would deadlock.
            GreenThread<List<InetAddress>> lookup = Green.spawn(() -> resolver.lookupByName("slow", ANY).toList());
            Green.spawn(() -> {
                Green.sleep(20);
                release.countDown();
            });
            assertEquals(List.of(LOOPBACK), lookup.await());
            assertTrue(builtin.lastThread.getName().startsWith("greenhub-tpool-"), builtin.lastThread.getName());
        });
    }

    @Test
    void unknownHostArrivesAsItselfAndPlainCallersAreNotRerouted() throws Exception {
        CountDownLatch open = new CountDownLatch(0);
        FakeBuiltin builtin = new FakeBuiltin(open);
        GreenResolver resolver = new GreenResolver(builtin);
        Green.run(() -> {
            UnknownHostException e = assertThrows(UnknownHostException.class, () -> resolver.lookupByName("nowhere", ANY));
            assertEquals("nowhere", e.getMessage());
            assertThrows(UnknownHostException.class, () -> resolver.lookupByAddress(new byte[] {127, 0, 0, 1}));
            assertTrue(builtin.lastThread.getName().startsWith("greenhub-tpool-"), builtin.lastThread.getName());
            // a pool thread is plain: it calls the built-in resolver itself, no second hop
            Thread[] seen = Tpool.execute(() -> {
                resolver.lookupByName("x", ANY).toList();
                return new Thread[] {Thread.currentThread(), builtin.lastThread};
            });
            assertSame(seen[0], seen[1]);
        });
        assertEquals(List.of(LOOPBACK), resolver.lookupByName("plain", ANY).toList());
        assertSame(Thread.currentThread(), builtin.lastThread);
    }
}
