package org.greenhub.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Test;

/** Green UDP sockets on the selected hub. Everything binds to 127.0.0.1. */
@org.junit.jupiter.api.Timeout(30)
class DatagramSocketTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ByteBuffer b) {
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void pingPongWithHeapAndDirectBuffers() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                assertTrue(b.localAddress().getPort() > 0);
                GreenThread<String> server = Green.spawn(() -> {
                    ByteBuffer buf = ByteBuffer.allocateDirect(100);
                    InetSocketAddress from = (InetSocketAddress) b.receive(buf);
                    assertEquals(a.localAddress(), from);
                    String got = text(buf);
                    assertEquals(4, b.send(bytes("pong"), from));
                    return got;
                });
                assertEquals(4, a.send(bytes("ping"), b.localAddress()));
                ByteBuffer reply = ByteBuffer.allocate(100);
                assertEquals(b.localAddress(), a.receive(reply));
                assertEquals("pong", text(reply));
                assertEquals("ping", server.await());
            }
        });
    }

    @Test
    void receiveParksOnlyTheGreenThread() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                AtomicInteger ticks = new AtomicInteger();
                GreenThread<String> receiver = Green.spawn(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(10);
                    b.receive(buf);
                    return text(buf);
                });
                for (int i = 0; i < 5; i++) {
                    Green.sleep(5);
                    ticks.incrementAndGet();
                }
                assertFalse(receiver.isDone());
                a.send(bytes("late"), b.localAddress());
                assertEquals("late", receiver.await());
                assertEquals(5, ticks.get());
            }
        });
    }

    @Test
    void receiveTimesOutAndTheSocketStaysUsable() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                b.setTimeout(Duration.ofMillis(100));
                long t0 = System.nanoTime();
                assertThrows(SocketTimeoutException.class, () -> b.receive(ByteBuffer.allocate(10)));
                long took = System.nanoTime() - t0;
                assertTrue(took >= Duration.ofMillis(90).toNanos() && took < Duration.ofSeconds(5).toNanos(), "took " + took);
                b.setTimeout(null);
                a.send(bytes("x"), b.localAddress());
                ByteBuffer buf = ByteBuffer.allocate(10);
                b.receive(buf);
                assertEquals("x", text(buf));
            }
        });
    }

    @Test
    void closeWakesAWaitingReceiverAndClosedSocketsRefuseWork() {
        Green.run(() -> {
            GreenDatagramSocket s = GreenDatagramSocket.bind(ANY_LOCAL);
            GreenThread<Object> receiver = Green.spawn(() -> s.receive(ByteBuffer.allocate(10)));
            Green.sleep(20);
            s.close();
            s.close(); // idempotent
            assertFalse(s.isOpen());
            Throwable e = assertThrows(Throwable.class, receiver::await);
            assertInstanceOf(IOException.class, e instanceof IOException ? e : e.getCause(), e.toString());
            assertThrows(SocketException.class, () -> s.receive(ByteBuffer.allocate(1)));
            assertThrows(SocketException.class, () -> s.send(bytes("x"), ANY_LOCAL));
        });
    }

    @Test
    void secondSimultaneousReceiverIsRefused() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                GreenThread<Object> first = Green.spawn(() -> b.receive(ByteBuffer.allocate(10)));
                Green.sleep(20);
                assertThrows(IllegalStateException.class, () -> b.receive(ByteBuffer.allocate(10)));
                a.send(bytes("1"), b.localAddress());
                assertEquals(a.localAddress(), first.await());
            }
        });
    }

    @Test
    void killAndTimeoutWakeAReceiverAtOnce() {
        Green.run(() -> {
            try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
                 GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
                GreenThread<Object> r = Green.spawn(() -> b.receive(ByteBuffer.allocate(10)));
                Green.sleep(20);
                r.kill();
                assertThrows(GreenThreadExit.class, r::await);
                try (org.greenhub.Timeout t = org.greenhub.Timeout.start(Duration.ofMillis(50))) {
                    assertThrows(TimeoutExpired.class, () -> b.receive(ByteBuffer.allocate(10)));
                }
                // the waiter slot was freed: a new receiver works
                a.send(bytes("ok"), b.localAddress());
                ByteBuffer buf = ByteBuffer.allocate(10);
                b.receive(buf);
                assertEquals("ok", text(buf));
            }
        });
    }

    @Test
    void worksFromPlainThreads() throws Exception {
        try (GreenDatagramSocket a = GreenDatagramSocket.bind(ANY_LOCAL);
             GreenDatagramSocket b = GreenDatagramSocket.bind(ANY_LOCAL)) {
            Thread sender = new Thread(() -> {
                try {
                    Thread.sleep(50);
                    a.send(bytes("plain"), b.localAddress());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            sender.start();
            b.setTimeout(Duration.ofSeconds(10));
            ByteBuffer buf = ByteBuffer.allocate(10);
            assertEquals(a.localAddress(), b.receive(buf));
            assertEquals("plain", text(buf));
            sender.join();
        }
    }
}
