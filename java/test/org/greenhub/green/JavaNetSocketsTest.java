package org.greenhub.green;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The java.net drop-ins (org.greenhub.green.Socket/ServerSocket) and Green.patch(). */
@Timeout(60)
class JavaNetSocketsTest {
    static final InetAddress LOCAL = InetAddress.getLoopbackAddress();

    /** A line exchange over java.net sockets while a ticker green thread keeps running. */
    static String exchange(java.net.ServerSocket ss, java.net.Socket s) throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Green.spawn(() -> {
            while (!done.get()) {
                ticks.incrementAndGet();
                Green.sleep(1);
            }
        });
        GreenThread<String> server = Green.spawn(() -> {
            try (java.net.Socket c = ss.accept()) {
                String line = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                c.getOutputStream().write(("echo " + line + "\n").getBytes(StandardCharsets.UTF_8));
                return line;
            }
        });
        try (s) {
            s.connect(new InetSocketAddress(LOCAL, ss.getLocalPort()), 10_000);
            s.setSoTimeout(100);
            int before = ticks.get();
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            assertTrue(ticks.get() > before, "other green threads ran while the socket read blocked");
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("hi", server.await());
            return reply;
        } finally {
            done.set(true);
        }
    }

    @Test
    void aKillOrTimeoutEndingAReadClosesTheSocketAsTheJdkDoesOnAnInterrupt() {
        Green.run(() -> {
            try (ServerSocket ss = new ServerSocket(0, 50, LOCAL)) {
                // a Timeout: the read fails as an I/O error (what a driver sees), the socket is closed
                try (Socket s = new Socket(LOCAL, ss.getLocalPort()); java.net.Socket peer = ss.accept()) {
                    org.greenhub.Timeout[] started = new org.greenhub.Timeout[1];
                    java.net.SocketException e = assertThrows(java.net.SocketException.class, () -> {
                        try (org.greenhub.Timeout t = org.greenhub.Timeout.start(java.time.Duration.ofMillis(30))) {
                            started[0] = t;
                            s.getInputStream().read();
                        }
                    });
                    assertInstanceOf(org.greenhub.TimeoutExpired.class, e.getCause());
                    assertSame(started[0], ((org.greenhub.TimeoutExpired) e.getSuppressed()[0]).timeout()); // thrown again by close()
                    peer.getOutputStream().write(1);
                    assertThrows(java.io.IOException.class, () -> s.getInputStream().read()); // closed
                }
                // through withTimeout: the org.greenhub.TimeoutExpired, the SocketException its cause
                try (Socket s = new Socket(LOCAL, ss.getLocalPort()); java.net.Socket peer = ss.accept()) {
                    org.greenhub.TimeoutExpired te = assertThrows(org.greenhub.TimeoutExpired.class,
                            () -> Green.withTimeout(java.time.Duration.ofMillis(30), () -> s.getInputStream().read()));
                    assertInstanceOf(java.net.SocketException.class, te.getSuppressed()[0]); // its cause is te: no cycle
                }
                // a kill: await says org.greenhub.GreenThreadExit
                try (Socket s = new Socket(LOCAL, ss.getLocalPort()); java.net.Socket peer = ss.accept()) {
                    GreenThread<Integer> reader = Green.spawn(() -> s.getInputStream().read());
                    Green.sleep(java.time.Duration.ofMillis(20));
                    reader.kill();
                    org.greenhub.GreenThreadExit exit = assertThrows(org.greenhub.GreenThreadExit.class, reader::await);
                    assertInstanceOf(java.net.SocketException.class, exit.getSuppressed()[0]);
                    assertThrows(java.io.IOException.class, () -> s.getInputStream().read());
                }
                // an SO_TIMEOUT is no kill: the socket stays open
                try (Socket s = new Socket(LOCAL, ss.getLocalPort()); java.net.Socket peer = ss.accept()) {
                    s.setSoTimeout(20);
                    assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
                    peer.getOutputStream().write(7);
                    s.setSoTimeout(10_000);
                    assertEquals(7, s.getInputStream().read());
                }
            }
        });
    }

    @Test
    void dropInsExchangeDataInGreenThreads() {
        String reply = Green.run(() -> {
            try (ServerSocket ss = new ServerSocket(0, 50, LOCAL)) {
                assertTrue(ss.getLocalPort() > 0);
                return exchange(ss, new Socket());
            }
        });
        assertEquals("echo hi", reply);
    }

    @Test
    void dropInsReportAddressesOptionsAndErrors() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, LOCAL);
             Socket s = new Socket(LOCAL, ss.getLocalPort());
             java.net.Socket peer = ss.accept()) {
            assertTrue(s.isConnected());
            assertEquals(ss.getLocalPort(), s.getPort());
            assertEquals(LOCAL, s.getInetAddress());
            assertEquals(s.getLocalPort(), peer.getPort());
            assertFalse(s.getTcpNoDelay(), "java.net.Socket's default: Nagle on");
            assertFalse(peer.getTcpNoDelay(), "accepted ones too");
            s.setTcpNoDelay(true);
            assertTrue(s.getTcpNoDelay());
            assertInstanceOf(Socket.class, peer, "accept returns a green socket");
            s.shutdownOutput();
            assertEquals(-1, peer.getInputStream().read());
            SocketException oob = assertThrows(SocketException.class, s::getOOBInline);
            assertTrue(oob.getMessage().contains("greenhub"), "the socket runs on greenhub's SocketImpl");
        }
        int closed;
        try (ServerSocket ss = new ServerSocket(0, 50, LOCAL)) {
            closed = ss.getLocalPort();
        }
        assertThrows(ConnectException.class, () -> new Socket(LOCAL, closed));
        try (ServerSocket ss = new ServerSocket(0, 50, LOCAL)) {
            ss.setSoTimeout(50);
            assertThrows(SocketTimeoutException.class, ss::accept);
        }
    }

    /** Runs in a child JVM: patching is for the whole JVM and cannot be undone. */
    public static final class PatchProbe {
        public static void main(String[] args) throws Exception {
            System.out.println("patched before: " + Green.isPatched());
            Green.patch();
            Green.patch(); // idempotent
            System.out.println("patched after: " + Green.isPatched());
            String reply = Green.run(() -> {
                try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 50, LOCAL)) {
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.getOOBInline(); // answered by the SocketImpl: greenhub's names itself
                    } catch (IOException e) {
                        System.out.println("plain java.net.Socket is green: " + e.getMessage().contains("greenhub"));
                    }
                    return exchange(ss, s);
                }
            });
            System.out.println("reply: " + reply);
        }
    }

    @Test
    void patchMakesEveryJavaNetSocketGreen() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(org.greenhub.testing.ChildJvm.jvmFlags());
        cmd.addAll(List.of("-Dgreenhub.hub=" + System.getProperty("greenhub.hub", "nio"), "-cp",
                String.join(File.pathSeparator, location(Green.class), location(PatchProbe.class),
                        location(Test.class), location(org.opentest4j.AssertionFailedError.class),
                        location(com.sun.jna.Native.class)),
                PatchProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("patched before: false"), out);
        assertTrue(out.contains("patched after: true"), out);
        assertTrue(out.contains("plain java.net.Socket is green: true"), out);
        assertTrue(out.contains("reply: echo hi"), out);
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
