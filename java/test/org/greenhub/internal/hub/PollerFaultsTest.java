package org.greenhub.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.internal.nativeio.Sockets;
import org.greenhub.testing.LogCapture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same fault has the same outcome on every poller, and a failing poller does not spin its loop. */
class PollerFaultsTest {

    /** Arming a channel closed under the hub: not registered, reported ready with ERROR, nothing thrown. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "kqueue", "nio"})
    void armAfterCloseReportsErrorReadiness(String kind) throws IOException {
        Assumptions.assumeTrue(HubKinds.unavailabilityCause(kind) == null, () -> kind + ": " + HubKinds.unavailabilityCause(kind));
        Poller p = switch (kind) {
            case "epoll" -> EpollPoller.open();
            case "kqueue" -> KqueuePoller.open();
            default -> NioPoller.open();
        };
        try {
            PollState s;
            if (kind.equals("nio")) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.close();
                s = new PollState(ch);
            } else {
                int fd = Sockets.open(false, false);
                Sockets.close(fd);
                s = new PollState(fd);
            }
            p.arm(s, Poller.READ);
            assertTrue(s.readReady, kind + ": the waiter is woken");
            assertTrue(s.writeReady, kind + ": in both directions");
            assertTrue(s.hungUp, kind + ": as an error");
            assertEquals(0, p.poll(0, (state, bits) -> { }), kind + ": nothing stays registered");
        } finally {
            p.close();
        }
    }

    /** A poller whose every poll fails: the loop backs off a second after each failure and logs the first. */
    @Test
    void aFailingPollerBacksOffInsteadOfSpinning() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Poller failing = new Poller() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public void arm(PollState s, int interest) {
            }

            @Override
            public void cancel(PollState s) {
            }

            @Override
            public void forEachArmed(java.util.function.Consumer<PollState> action) {
            }

            @Override
            public int poll(long timeoutNanos, ReadySink sink) throws IOException {
                polls.incrementAndGet();
                throw new IOException("poll fails every time");
            }

            @Override
            public void wakeup() {
            }

            @Override
            public void close() {
            }
        };
        HubLoop loop = new HubLoop(failing);
        long runMillis = 2 * HubLoop.POLL_FAILURE_BACKOFF_MILLIS + 500;
        try (LogCapture log = new LogCapture()) {
            Thread carrier = Thread.ofPlatform().start(() -> loop.loop(loop::isStopping));
            Thread.sleep(runMillis);
            loop.stop();
            loop.schedule(java.time.Duration.ZERO, () -> { }); // the loop checks isStopping after its pass
            carrier.join(10_000);
            assertTrue(polls.get() >= 2, "polled " + polls.get() + " times");
            // A spinning loop would have polled millions of times; one that backs off, about three.
            assertTrue(polls.get() <= 2 + runMillis / HubLoop.POLL_FAILURE_BACKOFF_MILLIS, "polled " + polls.get() + " times");
            String text = log.text();
            assertEquals(1, text.split("poll fails every time", -1).length - 1, "logged once:\n" + text);
        }
    }
}
