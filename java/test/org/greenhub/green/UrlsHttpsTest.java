package org.greenhub.green;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.greenhub.Green;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;
import org.greenhub.net.GreenTls;
import org.greenhub.net.GreenTlsTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Urls over https, against a tiny TLS HTTP/1.1 responder on 127.0.0.1 with a self-signed certificate. */
@Timeout(60)
class UrlsHttpsTest {
    static GreenTlsTest.Certs certs;
    static final byte[] BIG = new byte[200_000];

    static {
        for (int i = 0; i < BIG.length; i++) {
            BIG[i] = (byte) (i * 31 + 7);
        }
    }

    private static javax.net.ssl.SSLContext jdkDefault;

    /** Urls uses the JVM's default TLS context: the tests make it one that trusts their certificate. */
    @BeforeAll
    static void trustTheTestCertificate(@TempDir Path dir) throws Exception {
        certs = GreenTlsTest.Certs.create(dir);
        jdkDefault = javax.net.ssl.SSLContext.getDefault();
        javax.net.ssl.SSLContext.setDefault(certs.client());
    }

    @AfterAll
    static void backToTheDefaultContext() {
        javax.net.ssl.SSLContext.setDefault(jdkDefault);
    }

    @AfterEach
    void dropPooledConnections() {
        Urls.closeIdleConnections();
    }

    /**
     * Serves /fixed (Content-Length), /chunked, /close (close-delimited, ended by a
     * plain TCP close without close_notify) and /once (then closes the connection it
     * let the client keep), each connection in its own green thread.
     */
    static final class Responder implements AutoCloseable {
        final GreenServerSocket server;
        final AtomicInteger accepts = new AtomicInteger();

        Responder() throws IOException {
            server = Green.listen(new InetSocketAddress("127.0.0.1", 0));
            Green.spawn(() -> {
                while (true) {
                    GreenSocket plain;
                    try {
                        plain = server.accept();
                    } catch (IOException closed) {
                        return;
                    }
                    accepts.incrementAndGet();
                    Green.spawn(() -> serve(plain));
                }
            });
        }

        URI uri(String path) throws IOException {
            return URI.create("https://127.0.0.1:" + server.localAddress().getPort() + path);
        }

        private static void serve(GreenSocket plain) throws IOException {
            plain.setTimeout(Duration.ofSeconds(20));
            try (GreenSocket tls = GreenTls.server(plain, certs.server())) {
                InputStream in = tls.inputStream();
                for (String path; (path = requestPath(in)) != null; ) {
                    switch (path) {
                        case "/fixed" -> {
                            tls.sendAll(("HTTP/1.1 200 OK\r\nContent-Length: " + BIG.length + "\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            tls.sendAll(BIG);
                        }
                        case "/chunked" -> {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            out.writeBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            for (int off = 0; off < BIG.length; off += 70_000) {
                                int n = Math.min(70_000, BIG.length - off);
                                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                                out.write(BIG, off, n);
                                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            }
                            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            tls.sendAll(out.toByteArray());
                        }
                        case "/close" -> {
                            tls.sendAll("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            tls.sendAll(BIG);
                            plain.close(); // a raw TCP close, no close_notify: still just the end of the body
                            return;
                        }
                        case "/once" -> { // keep-alive as far as the client knows, then close_notify and close
                            tls.sendAll(("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nonce").getBytes(StandardCharsets.ISO_8859_1));
                            return;
                        }
                        default -> tls.sendAll("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }

        /** The path of the next GET, or null at end of stream. */
        private static String requestPath(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.append((char) b);
            }
            return head.toString().split(" ")[1];
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void readsContentLengthChunkedAndCloseDelimitedBodiesOverHttps() {
        Green.run(() -> {
            try (Responder r = new Responder()) {
                assertArrayEquals(BIG, Urls.read(r.uri("/fixed")));
                assertArrayEquals(BIG, Urls.read(r.uri("/chunked")));
                assertArrayEquals(BIG, Urls.read(r.uri("/close")));
                IOException notFound = assertThrows(IOException.class, () -> Urls.read(r.uri("/missing")));
                assertTrue(notFound.getMessage().contains("404"), notFound.getMessage());
            }
        });
    }

    @Test
    void sequentialHttpsReadsReuseOneConnection() {
        Green.run(() -> {
            try (Responder r = new Responder()) {
                for (int i = 0; i < 5; i++) {
                    assertArrayEquals(BIG, Urls.read(r.uri(i % 2 == 0 ? "/fixed" : "/chunked")));
                }
                assertEquals(1, r.accepts.get(), "one TLS connection for every read");
            }
        });
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplaced() {
        Green.run(() -> {
            try (Responder r = new Responder()) {
                assertEquals("once", new String(Urls.read(r.uri("/once")), StandardCharsets.UTF_8));
                Green.sleep(Duration.ofMillis(50)); // let the close_notify arrive
                assertArrayEquals(BIG, Urls.read(r.uri("/fixed")));
                assertEquals(2, r.accepts.get());
            }
        });
    }

    @Test
    void manyConcurrentHttpsReads() {
        Green.run(() -> {
            try (Responder r = new Responder()) {
                var reads = new java.util.ArrayList<org.greenhub.GreenThread<byte[]>>();
                for (int i = 0; i < 20; i++) {
                    reads.add(Green.spawn(() -> Urls.read(r.uri("/chunked"))));
                }
                for (var t : reads) {
                    assertTrue(Arrays.equals(BIG, t.await()));
                }
            }
        });
    }

    @Test
    void anUntrustedServerIsAHandshakeError() {
        javax.net.ssl.SSLContext.setDefault(jdkDefault); // the JDK's default trust store does not know the test certificate
        try {
            Green.run(() -> {
                try (Responder r = new Responder()) {
                    IOException e = assertThrows(IOException.class, () -> Urls.read(r.uri("/fixed")));
                    assertInstanceOf(SSLHandshakeException.class, e, e.toString());
                }
            });
        } finally {
            javax.net.ssl.SSLContext.setDefault(certs.client());
        }
    }
}
