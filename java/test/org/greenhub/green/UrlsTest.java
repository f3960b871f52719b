package org.greenhub.green;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The green URL reader against the JDK's HTTP server and scripted raw servers, all on 127.0.0.1. */
@Timeout(60)
class UrlsTest {
    private HttpServer server;
    private String base;
    private final AtomicInteger connections = new AtomicInteger();
    private final byte[] big = new byte[3 << 20];

    @BeforeEach
    void start() throws IOException {
        new Random(3).nextBytes(big);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/hello", ex -> {
            byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0); // 0: chunked
            for (int i = 0; i < 100; i++) {
                ex.getResponseBody().write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
            }
            ex.close();
        });
        server.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, big.length);
            ex.getResponseBody().write(big);
            ex.close();
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            ex.close();
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/redirect/", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/redirect/".length()));
            ex.getResponseHeaders().add("Location", n == 0 ? "/hello" : "/redirect/" + (n - 1));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        Urls.closeIdleConnections();
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    @Test
    void readsContentLengthChunkedAndLargeBodies() {
        Green.run(() -> {
            assertEquals("hello", new String(Urls.read(uri("/hello")), StandardCharsets.UTF_8));
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                expected.append("part").append(i).append(';');
            }
            assertEquals(expected.toString(), new String(Urls.read(uri("/chunked")), StandardCharsets.UTF_8));
            assertArrayEquals(big, Urls.read(uri("/big")));
        });
    }

    @Test
    void followsRedirectsUpToFive() {
        Green.run(() -> {
            assertEquals("hello", new String(Urls.read(uri("/redirect/4")), StandardCharsets.UTF_8));
            IOException e = assertThrows(IOException.class, () -> Urls.read(uri("/redirect/5")));
            assertTrue(e.getMessage().contains("too many redirects"), e.getMessage());
        });
    }

    @Test
    void errorsAreClearIOExceptions() {
        Green.run(() -> {
            IOException notFound = assertThrows(IOException.class, () -> Urls.read(uri("/missing")));
            assertTrue(notFound.getMessage().contains("404"), notFound.getMessage());
            assertThrows(MalformedURLException.class, () -> Urls.read(URI.create("ftp://127.0.0.1/x")));
            assertThrows(MalformedURLException.class, () -> Urls.read(URI.create("http:///nohost")));
            assertThrows(MalformedURLException.class, () -> Urls.read(URI.create("relative/path")));
            int closedPort;
            try (GreenServerSocket s = Green.listen(new InetSocketAddress("127.0.0.1", 0))) {
                closedPort = s.localAddress().getPort();
            }
            assertThrows(ConnectException.class, () -> Urls.read(URI.create("http://127.0.0.1:" + closedPort + "/")));
        });
    }

    /** Serves one scripted raw response per connection, then closes it. */
    private static void rawServer(GreenServerSocket listener, byte[] response) {
        Green.spawn(() -> {
            while (listener.isOpen()) {
                GreenSocket c;
                try {
                    c = listener.accept();
                } catch (IOException closed) {
                    return;
                }
                Green.spawn(() -> {
                    try (c) {
                        c.recv(8192);
                        c.sendAll(response);
                    }
                });
            }
        });
    }

    @Test
    void malformedAndOversizedResponsesAndCloseDelimitedBodies() {
        Green.run(() -> {
            String[][] cases = {
                {"garbage\r\n\r\n", "malformed"},
                {"HTTP/1.1 abc OK\r\n\r\n", "malformed"},
                {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "body bytes"},
                {"HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n", "exceeds"},
                {"", "closed"},
            };
            for (String[] c : cases) {
                try (GreenServerSocket l = Green.listen(new InetSocketAddress("127.0.0.1", 0))) {
                    rawServer(l, c[0].getBytes(StandardCharsets.ISO_8859_1));
                    URI u = URI.create("http://127.0.0.1:" + l.localAddress().getPort() + "/");
                    IOException e = assertThrows(IOException.class, () -> Urls.read(u), c[1]);
                    assertTrue(e.getMessage().contains(c[1]), c[1] + " vs " + e.getMessage());
                }
            }
            try (GreenServerSocket l = Green.listen(new InetSocketAddress("127.0.0.1", 0))) {
                rawServer(l, "HTTP/1.0 200 OK\r\n\r\nuntil the close".getBytes(StandardCharsets.ISO_8859_1));
                URI u = URI.create("http://127.0.0.1:" + l.localAddress().getPort() + "/");
                assertEquals("until the close", new String(Urls.read(u), StandardCharsets.ISO_8859_1));
            }
        });
    }

    @Test
    void aServerThatNeverAnswersTimesOutInsteadOfHanging() {
        Green.run(() -> {
            try (GreenServerSocket l = Green.listen(new InetSocketAddress("127.0.0.1", 0))) {
                GreenThread<Object> silent = Green.spawn(() -> {
                    try (GreenSocket c = l.accept()) {
                        Green.sleep(Duration.ofSeconds(30));
                    }
                    return null;
                });
                URI u = URI.create("http://127.0.0.1:" + l.localAddress().getPort() + "/");
                assertThrows(org.greenhub.TimeoutExpired.class,
                        () -> Green.withTimeout(Duration.ofMillis(200), () -> Urls.read(u)));
                silent.kill();
            }
        });
    }

    @Test
    void persistentConnectionsAreReused() {
        AtomicInteger accepted = new AtomicInteger();
        Green.run(() -> {
            try (GreenServerSocket l = Green.listen(new InetSocketAddress("127.0.0.1", 0))) {
                Green.spawn(() -> Green.serve(l, c -> {
                    accepted.incrementAndGet();
                    byte[] buf = new byte[4096];
                    // answer every request on this connection, keep-alive
                    while (c.recv(buf, 0, buf.length) > 0) {
                        c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    }
                }));
                URI u = URI.create("http://127.0.0.1:" + l.localAddress().getPort() + "/x");
                for (int i = 0; i < 20; i++) {
                    assertEquals("ok", new String(Urls.read(u), StandardCharsets.ISO_8859_1));
                }
                Urls.closeIdleConnections();
            }
        });
        assertEquals(1, accepted.get(), "one connection served all 20 sequential requests");
    }

    @Test
    void fetchesRunConcurrently() {
        Green.run(() -> {
            long t0 = System.nanoTime();
            List<GreenThread<byte[]>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(Green.spawn(() -> Urls.read(uri("/slow"))));
            }
            for (GreenThread<byte[]> t : all) {
                assertEquals("ok", new String(t.await(), StandardCharsets.UTF_8));
            }
            // 50 x 200 ms one after another take 10 s; concurrent ones well under (loose bound: noisy machine).
            assertTrue(System.nanoTime() - t0 < Duration.ofMillis(5000).toNanos());
        });
    }

    @Test
    void closingABodyEarlyDropsTheConnection() {
        Green.run(() -> {
            try (InputStream in = Urls.open(uri("/big"))) {
                assertEquals(100, in.readNBytes(100).length);
            }
            assertArrayEquals(big, Urls.read(uri("/big")));
        });
    }
}
