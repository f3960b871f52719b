package org.greenhub.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The nio poller's arming: selectors are level-triggered, so read interest stays
 * armed only while a reader waits that has not been woken yet; with nobody to wake,
 * unread data must not be reported again and again (a spinning hub loop).
 */
class NioPollerTest {
    private Poller poller;
    private SocketChannel client;
    private SocketChannel served;
    private PollState state;

    @BeforeEach
    void connect() throws IOException {
        poller = NioPoller.open();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(listener.getLocalAddress());
            served = listener.accept();
        }
        served.configureBlocking(false);
        state = new PollState(served);
    }

    @AfterEach
    void close() throws IOException {
        poller.close();
        client.close();
        served.close();
    }

    private Map<PollState, Integer> pollOnce(long timeoutNanos) throws IOException {
        Map<PollState, Integer> got = new IdentityHashMap<>();
        poller.poll(timeoutNanos, (s, bits) -> {
            got.merge(s, bits, (a, b) -> a | b);
            s.ready(bits);
        });
        return got;
    }

    private int interestOps() {
        return ((SelectionKey) state.key).interestOps();
    }

    /** A released channel stays open and another selector watches it; this one no longer reports it. */
    @Test
    void releaseLetsAnotherPollerTakeTheChannel() throws IOException {
        Poller other = NioPoller.open();
        try {
            state.reader = Thread.currentThread();
            poller.arm(state, Poller.READ);
            assertTrue(poller.release(state));
            assertTrue(served.isOpen());
            other.arm(state, Poller.READ);
            client.write(ByteBuffer.wrap(new byte[] {1}));
            Map<PollState, Integer> got = new IdentityHashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!got.containsKey(state) && System.nanoTime() < deadline) {
                other.poll(TimeUnit.MILLISECONDS.toNanos(100), (s, bits) -> got.merge(s, bits, (a, b) -> a | b));
            }
            assertTrue((got.get(state) & Poller.READ) != 0);
            assertTrue(pollOnce(TimeUnit.MILLISECONDS.toNanos(100)).isEmpty());
        } finally {
            state.reader = null;
            other.close();
        }
    }

    @Test
    void readInterestStaysArmedForAWaitingReaderUntilItHasBeenWoken() throws IOException {
        state.claim(true, Thread.currentThread());
        poller.arm(state, Poller.READ);
        client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

        assertEquals(Poller.READ, pollOnce(TimeUnit.SECONDS.toNanos(5)).get(state));
        assertEquals(SelectionKey.OP_READ, interestOps(), "armed still: the reader will read and wait again");
        assertTrue(state.readReady);

        // Woken but not run yet: the unread data is reported once more, then interest is dropped.
        assertEquals(Poller.READ, pollOnce(0).get(state));
        assertEquals(0, interestOps(), "disarmed: the woken reader has not consumed yet");
        assertTrue(pollOnce(TimeUnit.MILLISECONDS.toNanos(50)).isEmpty(), "no report while disarmed");
    }

    @Test
    void readinessWithNobodyWaitingDisarmsSoUnreadDataCannotSpinTheLoop() throws IOException {
        poller.arm(state, Poller.READ); // armed by a wait that ended (a timeout): no reader now
        client.write(ByteBuffer.wrap(new byte[] {1}));

        assertEquals(Poller.READ, pollOnce(TimeUnit.SECONDS.toNanos(5)).get(state));
        assertEquals(0, interestOps());
        for (int i = 0; i < 3; i++) {
            assertTrue(pollOnce(TimeUnit.MILLISECONDS.toNanos(20)).isEmpty(), "the unread byte is not reported again");
        }

        // The next wait re-arms and sees the data still there at once.
        state.consume(true);
        state.claim(true, Thread.currentThread());
        poller.arm(state, Poller.READ);
        assertEquals(Poller.READ, pollOnce(TimeUnit.SECONDS.toNanos(5)).get(state));
    }

    @Test
    void writeInterestIsOneShot() throws IOException {
        state.claim(false, Thread.currentThread());
        poller.arm(state, Poller.WRITE);

        assertEquals(Poller.WRITE, pollOnce(TimeUnit.SECONDS.toNanos(5)).get(state));
        assertEquals(0, interestOps(), "an idle writable socket is not reported again");
        assertTrue(pollOnce(TimeUnit.MILLISECONDS.toNanos(20)).isEmpty());
    }
}
