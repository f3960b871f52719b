package org.greenhub.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.greenhub.Green;
import org.greenhub.GreenException;
import org.greenhub.GreenThread;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS over green sockets on the selected hub, with a self-signed certificate made by keytool. */
@Timeout(60)
public class GreenTlsTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static Certs certs;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        certs = Certs.create(dir);
    }

    /** A server context with a fresh self-signed key for localhost/127.0.0.1, and a client context trusting only it. */
    public record Certs(SSLContext server, SSLContext client) {
        public static Certs create(Path dir) throws Exception {
            Path store = dir.resolve("server.p12");
            char[] pass = "changeit".toCharArray();
            String hub = System.getProperty("greenhub.hub", "nio").equals("epoll") ? "epoll" : "nio";
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), "keytool failed: " + out);

            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, pass);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            Certificate cert = keys.getCertificate("server");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            return new Certs(server, client);
        }
    }

    static GreenSocket acceptTls(GreenServerSocket server) throws IOException {
        server.setTimeout(Duration.ofSeconds(20));
        GreenSocket c = server.accept();
        c.setTimeout(Duration.ofSeconds(20));
        return GreenTls.server(c, certs.server());
    }

    static GreenSocket connectTls(InetSocketAddress at) throws IOException {
        GreenSocket s = GreenSocket.connect(at, Duration.ofSeconds(20));
        s.setTimeout(Duration.ofSeconds(20));
        return GreenTls.client(s, certs.client(), "localhost");
    }

    static byte[] recvExactly(GreenSocket s, int n) throws IOException {
        byte[] b = new byte[n];
        for (int off = 0; off < n; ) {
            int got = s.recv(b, off, n - off);
            if (got < 0) {
                throw new IOException("end of stream after " + off + " of " + n + " bytes");
            }
            off += got;
        }
        return b;
    }

    @Test
    void echoBetweenGreenThreads() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                GreenThread<String> echo = Green.spawn(() -> {
                    try (GreenSocket c = acceptTls(server)) {
                        byte[] got = c.recv(100);
                        c.sendAll(got);
                        return new String(got, StandardCharsets.UTF_8);
                    }
                });
                try (GreenSocket s = connectTls(server.localAddress())) {
                    assertEquals(server.localAddress(), s.remoteAddress());
                    s.sendAll("hello tls".getBytes(StandardCharsets.UTF_8));
                    assertEquals("hello tls", new String(recvExactly(s, 9), StandardCharsets.UTF_8));
                    assertEquals(-1, s.recv(ByteBuffer.allocate(10)), "end of stream after the peer closed");
                    assertEquals(-1, s.recv(ByteBuffer.allocate(10)));
                }
                assertEquals("hello tls", echo.await());
            }
        });
    }

    @Test
    void fullDuplexLargeTransfersBothWays() {
        byte[] up = new byte[5 << 20];
        byte[] down = new byte[5 << 20];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                GreenThread<byte[]> serverSide = Green.spawn(() -> {
                    try (GreenSocket c = acceptTls(server)) {
                        GreenThread<Void> sending = Green.spawn(() -> c.sendAll(down));
                        byte[] got = recvExactly(c, up.length);
                        sending.await();
                        return got;
                    }
                });
                try (GreenSocket s = connectTls(server.localAddress())) {
                    GreenThread<byte[]> receiving = Green.spawn(() -> recvExactly(s, down.length));
                    s.sendAll(up); // while the other green thread receives on the same socket
                    assertArrayEquals(down, receiving.await());
                }
                assertArrayEquals(up, serverSide.await());
            }
        });
    }

    @Test
    void untrustedCertificateFailsTheHandshakeAndClosesTheSocket() throws Exception {
        SSLContext trustsOthers = SSLContext.getInstance("TLS");
        trustsOthers.init(null, null, null); // the JDK's default trust store: not our self-signed key
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                GreenThread<GreenSocket> serverSide = Green.spawn(() -> acceptTls(server));
                GreenSocket plain = GreenSocket.connect(server.localAddress(), Duration.ofSeconds(20));
                plain.setTimeout(Duration.ofSeconds(20));
                IOException e = assertThrows(SSLHandshakeException.class,
                        () -> GreenTls.client(plain, trustsOthers, "localhost"));
                assertNotNull(e.getMessage());
                assertFalse(plain.isOpen(), "the failed handshake closed the connection");
                assertTrue(org.greenhub.internal.hub.ChannelStates.of(plain).isClosed());
                GreenException serverFailure = assertThrows(GreenException.class, serverSide::await);
                assertInstanceOf(SSLException.class, serverFailure.getCause(), "the server hears of it too");
            }
        });
    }

    @Test
    void theCertificateMustNameTheHost() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                Green.spawn(() -> acceptTls(server).close());
                GreenSocket plain = GreenSocket.connect(server.localAddress(), Duration.ofSeconds(20));
                plain.setTimeout(Duration.ofSeconds(20));
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> GreenTls.client(plain, certs.client(), "example.com"));
                assertTrue(e.getMessage().contains("example.com"), e.getMessage());
                assertFalse(plain.isOpen());
            }
        });
    }

    @Test
    void aHandshakeTheServerNeverAnswersTimesOut() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                GreenThread<GreenSocket> silent = Green.spawn(() -> server.accept()); // accepts, never speaks TLS
                GreenSocket plain = GreenSocket.connect(server.localAddress(), Duration.ofSeconds(20));
                plain.setTimeout(Duration.ofMillis(100));
                assertThrows(SocketTimeoutException.class, () -> GreenTls.client(plain, certs.client(), "localhost"));
                assertFalse(plain.isOpen(), "a failed handshake closes the socket");
                silent.await().close();
            }
        });
    }

    @Test
    void recvTimesOutAndTheSocketStaysUsable() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                GreenThread<GreenSocket> serverSide = Green.spawn(() -> acceptTls(server));
                try (GreenSocket s = connectTls(server.localAddress()); GreenSocket peer = serverSide.await()) {
                    s.setTimeout(Duration.ofMillis(50));
                    assertThrows(SocketTimeoutException.class, () -> s.recv(10));
                    assertTrue(s.isOpen());
                    peer.sendAll(new byte[] {7});
                    s.setTimeout(Duration.ofSeconds(20));
                    assertArrayEquals(new byte[] {7}, s.recv(10));
                }
            }
        });
    }

    @Test
    void shutdownOutputEndsThePeersStreamAndReadingGoesOn() {
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                GreenThread<String> serverSide = Green.spawn(() -> {
                    try (GreenSocket c = acceptTls(server)) {
                        String got = new String(c.inputStream().readAllBytes(), StandardCharsets.UTF_8);
                        c.sendAll(("got " + got).getBytes(StandardCharsets.UTF_8));
                        return got;
                    }
                });
                try (GreenSocket s = connectTls(server.localAddress())) {
                    s.sendAll("request".getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                    assertEquals("got request", new String(s.inputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                assertEquals("request", serverSide.await());
            }
        });
    }

    @Test
    void worksFromPlainThreads() throws Exception {
        try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
            Thread echo = new Thread(() -> {
                try (GreenSocket c = acceptTls(server)) {
                    c.sendAll(c.recv(100));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            echo.start();
            try (GreenSocket s = connectTls(server.localAddress())) {
                s.outputStream().write("plain thread".getBytes(StandardCharsets.UTF_8));
                assertEquals("plain thread", new String(recvExactly(s, 12), StandardCharsets.UTF_8));
            }
            echo.join(20_000);
            assertFalse(echo.isAlive());
        }
    }

    @Test
    void manyConcurrentConnectionsOnOneHub() {
        int n = 50;
        int ok = Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL, 128)) {
                Green.spawn(() -> Green.serve(server, c -> {
                    c.setTimeout(Duration.ofSeconds(20));
                    try (GreenSocket t = GreenTls.server(c, certs.server())) {
                        t.sendAll(t.recv(64));
                    }
                }, n));
                AtomicInteger echoed = new AtomicInteger();
                List<GreenThread<Void>> clients = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    byte[] msg = ("msg-" + i).getBytes(StandardCharsets.UTF_8);
                    clients.add(Green.spawn(() -> {
                        try (GreenSocket s = connectTls(server.localAddress())) {
                            s.sendAll(msg);
                            if (Arrays.equals(msg, recvExactly(s, msg.length))) {
                                echoed.incrementAndGet();
                            }
                        }
                    }));
                }
                for (GreenThread<Void> c : clients) {
                    c.await();
                }
                return echoed.get();
            }
        });
        assertEquals(n, ok);
    }

    /**
     * TLS 1.3 KeyUpdate messages arrive in the middle of the data and must be answered
     * from inside reads (NEED_WRAP while unwrapping). The JDK sends them only past a
     * key limit read once per JVM, so this runs a full-duplex transfer in a child JVM
     * (on this hub; nio for the kqueue test shim) whose limit is 64 KiB, and checks
     * that updates were exchanged.
     */
    @Test
    void keyUpdatesDuringFullDuplexTransfer(@TempDir Path dir) throws Exception {
        Path props = dir.resolve("security.properties");
        Files.writeString(props, "jdk.tls.keyLimits=AES/GCM/NoPadding KeyUpdate 2^16, ChaCha20-Poly1305 KeyUpdate 2^16\n");
        String hub = System.getProperty("greenhub.hub", "nio").equals("epoll") ? "epoll" : "nio";
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(org.greenhub.testing.ChildJvm.jvmFlags());
        cmd.addAll(List.of("-Dgreenhub.hub=" + hub, "-Djava.security.properties=" + props, "-Djavax.net.debug=ssl:handshake",
                "-cp", System.getProperty("java.class.path"), KeyUpdateMain.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> out.substring(Math.max(0, out.length() - 4000)));
        assertTrue(out.contains("transfer ok"), "child finished");
        assertTrue(out.contains("Consuming KeyUpdate"), "KeyUpdate messages were exchanged");
    }

    /** The child JVM of {@link #keyUpdatesDuringFullDuplexTransfer}: 4 MB each way at once, then clean closes. */
    public static final class KeyUpdateMain {
        public static void main(String[] args) throws Exception {
            certs = Certs.create(Path.of(args[0]));
            byte[] up = new byte[4 << 20];
            byte[] down = new byte[4 << 20];
            new Random(4).nextBytes(up);
            new Random(5).nextBytes(down);
            Green.run(() -> {
                try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                    GreenThread<byte[]> serverSide = Green.spawn(() -> {
                        try (GreenSocket c = acceptTls(server)) {
                            GreenThread<Void> sending = Green.spawn(() -> {
                                c.sendAll(down);
                                c.shutdownOutput();
                            });
                            byte[] got = c.inputStream().readAllBytes();
                            sending.await();
                            return got;
                        }
                    });
                    try (GreenSocket s = connectTls(server.localAddress())) {
                        GreenThread<byte[]> receiving = Green.spawn(() -> s.inputStream().readAllBytes());
                        s.sendAll(up);
                        s.shutdownOutput();
                        if (!Arrays.equals(down, receiving.await())) {
                            throw new AssertionError("server to client bytes differ");
                        }
                    }
                    if (!Arrays.equals(up, serverSide.await())) {
                        throw new AssertionError("client to server bytes differ");
                    }
                }
            });
            System.out.println("transfer ok");
        }
    }

    @Test
    void streamsCarryBulkDataAcrossManyRecords() {
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        Green.run(() -> {
            try (GreenServerSocket server = Green.listen(ANY_LOCAL)) {
                Green.spawn(() -> {
                    try (GreenSocket c = acceptTls(server)) {
                        new ByteArrayInputStream(data).transferTo(c.outputStream());
                    }
                });
                try (GreenSocket s = connectTls(server.localAddress())) {
                    assertArrayEquals(data, s.inputStream().readAllBytes());
                }
            }
        });
    }
}
