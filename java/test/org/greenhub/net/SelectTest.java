package org.greenhub.net;

import static org.greenhub.net.DatagramSocketTest.ANY_LOCAL;
import static org.greenhub.net.DatagramSocketTest.bytes;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Test;

/** Select over green sockets on the selected hub. */
@org.junit.jupiter.api.Timeout(30)
class SelectTest {

    @Test
    void nothingReadyTimesOutWithEmptySets() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                long t0 = System.nanoTime();
                Select.Ready r = Select.select(List.of(a, b), List.of(), Duration.ofMillis(100));
                long took = System.nanoTime() - t0;
                assertEquals(new Select.Ready(Set.of(), Set.of()), r);
                assertTrue(took >= Duration.ofMillis(90).toNanos() && took < Duration.ofSeconds(5).toNanos(), "took " + took);
            }
        });
    }

    @Test
    void wakesWithTheReaderThatGotData() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket sender = GreenDatagramSocket.bind(ANY_LOCAL)) {
                Green.spawn(() -> {
                    Green.sleep(30);
                    return sender.send(bytes("hi"), b.localAddress());
                });
                Select.Ready r = Select.select(List.of(a, b), List.of(), null);
                assertEquals(Set.of(b), r.readers());
                assertEquals(Set.of(), r.writers());
                // readiness is not consumed: a second select sees it at once, the receive gets the data
                assertEquals(Set.of(b), Select.select(List.of(a, b), List.of(), Duration.ofSeconds(5)).readers());
                b.setTimeout(Duration.ofSeconds(5));
                assertEquals(sender.localAddress(), b.receive(ByteBuffer.allocate(10)));
            }
        });
    }

    @Test
    void reportsWritableSocketsAndTcpReadiness() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL);
                 GreenSocket client = Green.connect(server.localAddress())) {
                Select.Ready r = Select.select(List.of(server), List.of(client), Duration.ofSeconds(5));
                assertEquals(Set.of(client), r.writers());
                // the pending connection makes the listener readable (maybe on a second look)
                if (r.readers().isEmpty()) {
                    r = Select.select(List.of(server), List.of(), Duration.ofSeconds(5));
                }
                assertEquals(Set.of(server), r.readers());
                try (GreenSocket peer = server.accept()) {
                    Green.spawn(() -> {
                        Green.sleep(20);
                        peer.sendAll(new byte[] {7});
                        return null;
                    });
                    assertEquals(Set.of(client), Select.select(List.of(client), List.of(), null).readers());
                    assertArrayEquals(new byte[] {7}, client.recv(10));
                }
            }
        });
    }

    @Test
    void dataLeftAfterAPartialReadIsReported() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL);
                 GreenSocket client = Green.connect(server.localAddress());
                 GreenSocket peer = server.accept()) {
                // The receiver waits first, so its recv consumes the hub's readiness report,
                // then takes only 3 of the 10 bytes: no new report will come for the rest.
                GreenThread<byte[]> receiver = Green.spawn(() -> client.recv(3));
                Green.sleep(20);
                peer.sendAll(new byte[10]);
                assertEquals(3, receiver.await().length);
                assertEquals(Set.of(client), Select.select(List.of(client), List.of(), Duration.ofSeconds(5)).readers());
                assertEquals(7, client.recv(10).length);
            }
        });
    }

    @Test
    void closedChannelsCountAsReadyAndClosingWakesASelect() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                GreenThread<Select.Ready> waiter = Green.spawn(() -> Select.select(List.of(a, b), List.of(), null));
                Green.sleep(20);
                assertFalse(waiter.isDone());
                a.close();
                assertEquals(Set.of(a), waiter.await().readers());
                assertEquals(Set.of(a), Select.select(List.of(a, b), List.of(), null).readers());
            }
        });
    }

    @Test
    void secondSimultaneousWaiterIsRefusedAndRegistrationsAreCleared() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket sender = GreenDatagramSocket.bind(ANY_LOCAL)) {
                GreenThread<Object> reader = Green.spawn(() -> b.receive(ByteBuffer.allocate(10)));
                Green.sleep(20);
                assertThrows(IllegalStateException.class, () -> Select.select(List.of(a, b), List.of(), null));
                sender.send(bytes("1"), b.localAddress());
                assertEquals(sender.localAddress(), reader.await());

                // a select that timed out, or was killed, leaves nothing registered
                Select.select(List.of(a), List.of(), Duration.ofMillis(20));
                GreenThread<Select.Ready> killed = Green.spawn(() -> Select.select(List.of(a), List.of(), null));
                Green.sleep(20);
                killed.kill();
                assertThrows(GreenThreadExit.class, killed::await);
                try (org.greenhub.Timeout t = org.greenhub.Timeout.start(Duration.ofMillis(30))) {
                    assertThrows(TimeoutExpired.class, () -> Select.select(List.of(a), List.of(), null));
                }
                GreenThread<Object> again = Green.spawn(() -> a.receive(ByteBuffer.allocate(10)));
                Green.sleep(20);
                sender.send(bytes("2"), a.localAddress());
                assertEquals(sender.localAddress(), again.await());
            }
        });
    }

    @Test
    void worksFromAPlainThread() throws Exception {
        try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
             GreenDatagramSocket sender = GreenDatagramSocket.bind(ANY_LOCAL)) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(50);
                    sender.send(bytes("p"), a.localAddress());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            assertEquals(Set.of(a), Select.select(List.of(a), List.of(), Duration.ofSeconds(10)).readers());
            t.join();
            assertEquals(new Select.Ready(Set.of(), Set.of()), Select.select(List.of(), List.of(), Duration.ofMillis(10)));
        }
    }
}
