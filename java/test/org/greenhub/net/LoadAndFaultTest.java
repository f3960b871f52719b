package org.greenhub.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.GreenThread;
import org.greenhub.GreenThreadExit;
import org.greenhub.TimeoutExpired;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Green sockets under load, faults and resource exhaustion. Every server listens on 127.0.0.1; every loop is bounded. */
@Timeout(180)
class LoadAndFaultTest {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    static long openDescriptors() {
        File[] fds = new File("/proc/self/fd").listFiles();
        Assumptions.assumeTrue(fds != null, "descriptor counting needs /proc/self/fd (Linux)");
        return fds.length;
    }

    static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.split("\\s+")[3]);
            }
        }
        return -1;
    }

    /** Closes with a reset: no TIME_WAIT left behind by the test's many connections. */
    static void abort(GreenSocket s) throws IOException {
        s.setOption(StandardSocketOptions.SO_LINGER, 0);
        s.close();
    }

    /** The clients of the 10,000-connection test, in a child JVM: opens them all, then echoes on each. */
    public static final class TenThousandClients {
        public static void main(String[] args) {
            int port = Integer.parseInt(args[0]);
            int n = Integer.parseInt(args[1]);
            int ok = Green.run(() -> {
                List<GreenSocket> clients = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    clients.add(Green.connect("127.0.0.1", port));
                }
                AtomicInteger good = new AtomicInteger();
                GreenPool pool = new GreenPool(n);
                for (int i = 0; i < n; i++) {
                    GreenSocket c = clients.get(i);
                    byte[] msg = ("conn " + i).getBytes(StandardCharsets.UTF_8);
                    pool.spawnN(() -> {
                        c.setTimeout(Duration.ofSeconds(60));
                        c.sendAll(msg);
                        byte[] back = new byte[msg.length];
                        for (int got = 0; got < back.length; ) {
                            int r = c.recv(back, got, back.length - got);
                            if (r < 0) {
                                return;
                            }
                            got += r;
                        }
                        if (java.util.Arrays.equals(msg, back)) {
                            good.incrementAndGet();
                        }
                    });
                }
                pool.waitAll();
                for (GreenSocket c : clients) {
                    abort(c);
                }
                return good.get();
            });
            System.out.println("echoed " + ok);
        }
    }

    @Test
    void tenThousandConcurrentConnectionsEchoedByOneHub() throws Exception {
        int n = 10_000;
        long limit = openFilesLimit();
        // This process holds the server's 10,000 connections; the clients run in a child JVM.
        Assumptions.assumeTrue(limit >= n + 1_000, "10,000 connections need " + (n + 1_000)
                + " descriptors; the open-files limit is " + limit);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        String out = Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL, 4096)) {
                Green.spawn(() -> Green.serve(server, c -> {
                    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                    try {
                        ByteBuffer b = ByteBuffer.allocate(64);
                        while (c.recv(b.clear()) > 0) {
                            c.sendAll(b.flip());
                        }
                    } catch (SocketException reset) {
                        // the clients close with a reset
                    } finally {
                        open.decrementAndGet();
                    }
                }, n));
                Path log = Files.createTempFile("greenhub-10k-clients", ".log");
                try {
                    Process p = childJvm(log, TenThousandClients.class, String.valueOf(server.localAddress().getPort()),
                            String.valueOf(n));
                    long end = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                    while (p.isAlive() && System.nanoTime() < end) {
                        Green.sleep(Duration.ofMillis(50)); // the hub keeps serving meanwhile
                    }
                    p.destroyForcibly().waitFor();
                    return Files.readString(log);
                } finally {
                    Files.deleteIfExists(log);
                }
            }
        });
        assertTrue(out.contains("echoed " + n), out);
        assertEquals(n, peak.get(), "all connections were open at once on the one hub");
    }

    static Process childJvm(Path output, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(org.greenhub.testing.ChildJvm.jvmFlags());
        cmd.addAll(List.of("-Dgreenhub.hub=" + System.getProperty("greenhub.hub", "nio"), "-cp",
                String.join(File.pathSeparator, location(Green.class), location(main), location(Test.class),
                        location(com.sun.jna.Native.class)),
                main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    @Test
    void aPeerResetInTheMiddleOfAReadIsASocketException() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL)) {
                GreenThread<Object> reader = Green.spawn(() -> {
                    try (GreenSocket c = server.accept()) {
                        byte[] first = c.recv(5);
                        assertEquals("hello", new String(first, StandardCharsets.UTF_8));
                        return c.recv(100); // the peer resets while we wait here
                    }
                });
                GreenSocket s = Green.connect(server.localAddress());
                s.sendAll("hello".getBytes(StandardCharsets.UTF_8));
                Green.sleep(Duration.ofMillis(20));
                abort(s);
                Throwable e = assertThrows(org.greenhub.GreenException.class, reader::await).getCause();
                assertInstanceOf(SocketException.class, e);
                assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
            }
        });
    }

    @Test
    void aHundredThousandConnectCloseCyclesLeaveTheDescriptorCountWhereItStarted() {
        long before = openDescriptors();
        int cycles = Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL, 1024)) {
                Green.spawn(() -> {
                    while (server.isOpen()) {
                        try {
                            server.accept().close();
                        } catch (SocketException closed) {
                            return;
                        }
                    }
                });
                long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                int i = 0;
                for (; i < 100_000 && System.nanoTime() < end; i++) {
                    abort(Green.connect(server.localAddress()));
                }
                return i;
            }
        });
        assertEquals(100_000, cycles, "cycles done within the time bound");
        long after = openDescriptors();
        assertTrue(Math.abs(after - before) <= 4, "descriptors before " + before + ", after " + after);
    }

    @Test
    void killAndTimeoutWakeRecvAcceptAndConnectAndLeakNothing() {
        long before = openDescriptors();
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(LOCAL);
                 GreenServerSocket full = Green.listen(LOCAL, 1);
                 GreenSocket s = Green.connect(server.localAddress());
                 GreenSocket peer = server.accept()) {
                // A listener with a full backlog never answers a connect: fill it first.
                List<GreenSocket> filling = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    try {
                        filling.add(GreenSocket.connect(full.localAddress(), Duration.ofMillis(100)));
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                }
                for (int round = 0; round < 50; round++) {
                    GreenThread<?> recv = Green.spawn(() -> s.recv(10));
                    GreenThread<?> accept = Green.spawn(server::accept);
                    GreenThread<?> connect = Green.spawn(() -> GreenSocket.connect(full.localAddress()));
                    Green.sleep();
                    recv.kill();
                    accept.kill();
                    connect.kill();
                    assertThrows(GreenThreadExit.class, recv::await);
                    assertThrows(GreenThreadExit.class, accept::await);
                    assertThrows(GreenThreadExit.class, connect::await);
                    assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(1), () -> s.recv(10)));
                    assertThrows(TimeoutExpired.class, () -> Green.withTimeout(Duration.ofMillis(1), server::accept));
                    assertThrows(TimeoutExpired.class,
                            () -> Green.withTimeout(Duration.ofMillis(1), () -> GreenSocket.connect(full.localAddress())));
                }
                // Still usable: no waiter was left registered.
                peer.sendAll(new byte[] {42});
                assertArrayEquals(new byte[] {42}, s.recv(10));
                for (GreenSocket f : filling) {
                    abort(f);
                }
            }
        });
        long after = openDescriptors();
        assertTrue(Math.abs(after - before) <= 4, "descriptors before " + before + ", after " + after);
    }

    /** Runs in a child JVM whose open-files limit is small: the accept loop meets EMFILE. */
    public static final class EmfileProbe {
        public static void main(String[] args) throws Exception {
            // Set up before the descriptors run out: the bean reads cgroup files on creation.
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            os.getProcessCpuTime();
            Green.run(() -> {
                GreenServerSocket server = Green.listen(LOCAL, 64);
                AtomicInteger served = new AtomicInteger();
                Green.spawn(() -> Green.serve(server, c -> {
                    served.incrementAndGet();
                    c.sendAll("ok".getBytes(StandardCharsets.UTF_8));
                }));
                // Out of descriptors nothing can load a class from the directory class path:
                // one full exchange first loads what the accept loop, the client and this
                // thread use (the sleep lets the handler finish and close, and loads the
                // timed-sleep path), and one log line sets up the logging the accept loop's
                // error path reports through (its configuration is a file to open).
                System.out.println("reply before: " + exchange(SocketChannel.open(), server.localAddress()).get());
                Green.sleep(Duration.ofMillis(10));
                System.getLogger("org.greenhub").log(System.Logger.Level.WARNING, "EMFILE probe: logging is set up");
                served.set(0);
                // The client's descriptor is taken before the rest run out; its connect needs
                // none, and the kernel completes it from the listen backlog.
                SocketChannel clientChannel = SocketChannel.open();
                List<FileChannel> hog = new ArrayList<>();
                fill(hog);
                FutureTask<String> reply = exchange(clientChannel, server.localAddress());
                Green.sleep(Duration.ofMillis(200)); // the connect completes; accept now fails with EMFILE
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                Green.sleep(Duration.ofSeconds(2));
                double busy = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
                // A descriptor the JVM itself released meanwhile (none is known) would let
                // accept succeed: say so, the test then retries.
                System.out.println("descriptors that came free: " + fill(hog));
                System.out.println("served while out of descriptors: " + served.get());
                System.out.printf("cpu share while out of descriptors: %.3f%n", busy);
                for (FileChannel f : hog) {
                    f.close();
                }
                System.out.println("reply after descriptors freed: " + reply.get(20, TimeUnit.SECONDS));
                server.close();
                return null;
            });
        }

        /** On a plain thread: connects {@code ch} (opened by the caller) and reads the reply. */
        private static FutureTask<String> exchange(SocketChannel ch, InetSocketAddress to) {
            FutureTask<String> reply = new FutureTask<>(() -> {
                try (ch) {
                    ch.connect(to);
                    ch.socket().setSoTimeout(20_000);
                    byte[] b = new byte[10];
                    int n = ch.socket().getInputStream().read(b);
                    return n < 0 ? "(end of stream)" : new String(b, 0, n, StandardCharsets.UTF_8);
                }
            });
            Thread t = new Thread(reply, "emfile-probe-client");
            t.setDaemon(true);
            t.start();
            return reply;
        }

        /** Opens /dev/null until the open-files limit is reached; the number opened. */
        private static int fill(List<FileChannel> hog) {
            int opened = 0;
            try {
                while (hog.size() < 100_000) {
                    hog.add(FileChannel.open(Path.of("/dev/null")));
                    opened++;
                }
            } catch (IOException full) {
                // out of descriptors
            }
            return opened;
        }
    }

    @Test
    void anAcceptLoopOutOfDescriptorsBacksOffWithoutSpinningAndRecovers() throws Exception {
        Assumptions.assumeTrue(new File("/proc/self/fd").isDirectory(), "needs Linux's /proc");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = String.join(File.pathSeparator, location(Green.class), location(EmfileProbe.class),
                location(Test.class), location(com.sun.jna.Native.class));
        String cmd = "ulimit -n 400 && exec '" + java + "' " + String.join(" ", org.greenhub.testing.ChildJvm.jvmFlags())
                + " -Dgreenhub.hub=" + System.getProperty("greenhub.hub", "nio")
                + " -cp '" + cp + "' '" + EmfileProbe.class.getName() + "'"; // quoted: the name has a $
        String out = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe ended");
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            if (out.contains("descriptors that came free: 0")) {
                break; // the precondition held: the process stayed out of descriptors
            }
            System.out.println("EMFILE probe, attempt " + attempt + ": a descriptor came free, retrying\n" + out);
        }
        assertTrue(out.contains("reply before: ok"), out);
        assertTrue(out.contains("descriptors that came free: 0"), "the probe stayed out of descriptors: " + out);
        assertTrue(out.contains("served while out of descriptors: 0"), out);
        assertTrue(out.contains("reply after descriptors freed: ok"), out);
        assertTrue(out.contains("Too many open files"), "the accept failure is reported: " + out);
        double busy = Double.parseDouble(out.replaceAll("(?s).*cpu share while out of descriptors: ([0-9.]+).*", "$1"));
        assertTrue(busy < 0.5, "the loop backs off instead of spinning: cpu share " + busy + "\n" + out);
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
