package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.greenhub.StopServe;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP server spoken to byte for byte (a plain java.net.Socket on a platform thread
 * plays the client), on every hub. Every server listens on 127.0.0.1.
 */
@Timeout(60)
class HttpServerTest {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    /** Runs a server with {@code handler} in a Green.run on its own thread while {@code client} talks to it. */
    static void withServer(HttpServer.Options options, HttpHandler handler, Client client) throws Exception {
        java.util.concurrent.CompletableFuture<InetSocketAddress> at = new java.util.concurrent.CompletableFuture<>();
        GreenServerSocket[] server = new GreenServerSocket[1];
        Thread hub = Thread.ofPlatform().start(() -> Green.run(() -> {
            server[0] = Green.listen(LOCAL, 128);
            at.complete(server[0].localAddress());
            HttpServer.serve(server[0], handler, options);
        }));
        try {
            client.talk(at.get());
        } finally {
            server[0].close();
            hub.join(20_000);
            assertFalse(hub.isAlive(), "serve returned after its socket was closed");
        }
    }

    interface Client {
        void talk(InetSocketAddress at) throws Exception;
    }

    static HttpServer.Options quiet() {
        return HttpServer.Options.defaults().accessLog(null);
    }

    static final HttpHandler HELLO_HANDLER = (req, resp) -> resp.body().write(HELLO);

    /** Sends {@code request} and returns everything the server sends until it closes (at most 10 s). */
    static String exchange(InetSocketAddress at, String request) throws IOException {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one response (head and Content-Length or chunked body) from {@code in}. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream in a response head: " + head);
            }
            head.append((char) c);
        }
        String h = head.toString();
        String lower = h.toLowerCase(java.util.Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int cl = lower.indexOf("content-length: ");
        if (h.startsWith("HTTP/1.1 100 ")) {
            return h;
        }
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                StringBuilder line = new StringBuilder();
                for (int c; (c = in.read()) != '\n'; ) {
                    line.append((char) c);
                }
                int size = Integer.parseInt(line.toString().trim(), 16);
                byte[] chunk = in.readNBytes(size + 2);
                body.write(chunk, 0, size);
                if (size == 0) {
                    break;
                }
            }
        } else if (cl >= 0) {
            int end = lower.indexOf("\r\n", cl);
            int n = Integer.parseInt(h.substring(cl + 16, end).trim());
            body.write(in.readNBytes(n));
        }
        return h + body.toString(StandardCharsets.ISO_8859_1);
    }

    static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    // ---- the basics ---------------------------------------------------------------------

    @Test
    void keepAliveServesRequestsOnOneConnectionWithDateAndLength() throws Exception {
        withServer(quiet(), HELLO_HANDLER, at -> {
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                for (int i = 0; i < 3; i++) {
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String r = readResponse(s.getInputStream());
                    assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
                    assertTrue(r.contains("\r\nDate: "), r);
                    assertTrue(r.contains("\r\nContent-Length: 13\r\n"), r);
                    assertFalse(r.contains("Connection: close"), r);
                    assertTrue(r.endsWith("\r\n\r\nHello, World!"), r);
                }
            }
        });
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        withServer(quiet(), (req, resp) -> resp.body().write(req.path().getBytes(StandardCharsets.US_ASCII)), at -> {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                batch.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            batch.append("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = exchange(at, batch.toString());
            assertEquals(17, count(all, "HTTP/1.1 200 OK"), all);
            int last = -1;
            for (int i = 0; i < 16; i++) {
                int p = all.indexOf("\r\n\r\n/" + i + "HTTP/1.1 200");
                assertTrue(p > last, "response " + i + " in order: " + all);
                last = p;
            }
            assertTrue(all.endsWith("/last"), all);
        });
    }

    @Test
    void chunkedRequestAndResponseBodies() throws Exception {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        withServer(quiet(), (req, resp) -> {
            byte[] got = req.body().readAllBytes();
            assertArrayEquals("Wikipedia in chunks.".getBytes(StandardCharsets.US_ASCII), got);
            resp.body().write(big); // larger than what a response holds back: sent chunked
        }, at -> {
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "4;ext=1\r\nWiki\r\n5\r\npedia\r\nB\r\n in chunks.\r\n0\r\nX-Trailer: t\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String r = readResponse(s.getInputStream());
                assertTrue(r.startsWith("HTTP/1.1 200 OK"), r);
                assertTrue(r.contains("Transfer-Encoding: chunked"), r);
                assertEquals(new String(big, StandardCharsets.US_ASCII), r.substring(r.indexOf("\r\n\r\n") + 4));
            }
        });
    }

    @Test
    void headAnd204And304CarryNoBody() throws Exception {
        withServer(quiet(), (req, resp) -> {
            switch (req.path()) {
                case "/204" -> resp.status(204);
                case "/304" -> resp.status(304);
                default -> resp.body().write(HELLO);
            }
            resp.body().write(HELLO);
        }, at -> {
            String head = exchange(at, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.contains("Content-Length: 26"), head);
            assertTrue(head.endsWith("\r\n\r\n"), "no body: " + head);
            for (String code : List.of("204", "304")) {
                String r = exchange(at, "GET /" + code + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(r.startsWith("HTTP/1.1 " + code), r);
                assertFalse(r.contains("Content-Length"), r);
                assertTrue(r.endsWith("\r\n\r\n"), "no body: " + r);
            }
        });
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws Exception {
        withServer(quiet(), HELLO_HANDLER, at -> {
            String r = exchange(at, "GET / HTTP/1.0\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.0 200 OK"), r);
            assertTrue(r.contains("Connection: close"), r);
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                for (int i = 0; i < 2; i++) {
                    s.getOutputStream().write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String k = readResponse(s.getInputStream());
                    assertTrue(k.contains("Connection: keep-alive"), k);
                    assertTrue(k.endsWith("Hello, World!"), k);
                }
            }
        });
    }

    // ---- strict parsing: ambiguous framing is 400 and close, nothing after it is handled ----

    @Test
    void malformedRequestsAre400AndNothingAfterThemIsHandled() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        withServer(quiet(), (req, resp) -> {
            handled.incrementAndGet();
            req.body().readAllBytes();
            resp.body().write(HELLO);
        }, at -> {
            String next = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            List<String> bad = List.of(
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello",
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5_0\r\n\r\nhello",
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5 0\r\n\r\nhello",
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
                    "GET / HTTP/1.1\nHost: x\n\n",
                    "GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: x\u0001\r\n\r\n",
                    "GET / HTTP/1.1\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
                    "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
                    "GET / HTTP/1.1 \r\nHost: x\r\n\r\n",
                    "GET / http/1.1\r\nHost: x\r\n\r\n",
                    "G\u00c9T / HTTP/1.1\r\nHost: x\r\n\r\n",
                    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            for (String request : bad) {
                String r = exchange(at, request + next);
                assertTrue(r.startsWith("HTTP/1.1 400 "), request + " -> " + r);
                assertTrue(r.contains("Connection: close"), r);
                assertEquals(1, count(r, "HTTP/1.1 "), "nothing after a rejected request is answered: " + r);
            }
            assertEquals(0, handled.get(), "no handler ran for a malformed request");
        });
    }

    @Test
    void malformedChunkedBodiesAre400() throws Exception {
        AtomicInteger completed = new AtomicInteger();
        withServer(quiet(), (req, resp) -> {
            req.body().readAllBytes();
            completed.incrementAndGet();
            resp.body().write(HELLO);
        }, at -> {
            String start = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
            String next = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            for (String body : List.of("+5\r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n", "5_0\r\nhello\r\n0\r\n\r\n",
                    " 5\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n",
                    "zz\r\n\r\n", "5 ;x\r\nhello\r\n0\r\n\r\n")) {
                String r = exchange(at, start + body + next);
                assertTrue(r.startsWith("HTTP/1.1 400 "), body + " -> " + r);
                assertEquals(1, count(r, "HTTP/1.1 "), "nothing after it: " + r);
            }
            assertEquals(0, completed.get());
        });
    }

    @Test
    void trailerLinesAfterTheLastChunkAreNeverARequest() throws Exception {
        List<String> paths = new CopyOnWriteArrayList<>();
        withServer(quiet(), (req, resp) -> {
            paths.add(req.path());
            req.body().readAllBytes();
            resp.body().write(HELLO);
        }, at -> {
            // CVE-2025-58068: what follows the last chunk is a trailer section, however it looks.
            String r = exchange(at, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1\r\nx\r\n0\r\nX-Next: GET /evil HTTP/1.1\r\n\r\n"
                    + "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(2, count(r, "HTTP/1.1 200"), r);
            // A trailer line that is no field line at all is malformed: 400, and nothing after it runs.
            String bad = exchange(at, "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1\r\nx\r\n0\r\nGET /evil HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(bad.startsWith("HTTP/1.1 400 "), bad);
            assertEquals(1, count(bad, "HTTP/1.1 "), bad);
        });
        assertEquals(List.of("/a", "/b", "/c"), paths);
    }

    @Test
    void limitsHaveTheirStatus() throws Exception {
        HttpServer.Options o = quiet().maxRequestLine(64).maxHeaderBytes(256).maxHeaders(5).maxBody(100);
        withServer(o, (req, resp) -> {
            req.body().readAllBytes();
            resp.body().write(HELLO);
        }, at -> {
            assertTrue(exchange(at, "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 414 "));
            StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 6; i++) {
                many.append("X-").append(i).append(": y\r\n");
            }
            assertTrue(exchange(at, many + "\r\n").startsWith("HTTP/1.1 431 "));
            assertTrue(exchange(at, "GET / HTTP/1.1\r\nHost: x\r\nX: " + "y".repeat(300) + "\r\n\r\n").startsWith("HTTP/1.1 431 "));
            assertTrue(exchange(at, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n").startsWith("HTTP/1.1 413 "));
            String chunked = exchange(at, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "64\r\n" + "z".repeat(100) + "\r\n1\r\nz\r\n0\r\n\r\n");
            assertTrue(chunked.startsWith("HTTP/1.1 413 "), chunked);
            assertTrue(exchange(at, "GET / HTTP/2.0\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 505 "));
            assertTrue(exchange(at, "GET / HTTP/1.1\r\nHost: x\r\nExpect: nothing\r\n\r\n").startsWith("HTTP/1.1 417 "));
            assertTrue(exchange(at, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n").startsWith("HTTP/1.1 501 "));
            assertTrue(exchange(at, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n" + "z".repeat(100))
                    .startsWith("HTTP/1.1 200 "));
        });
    }

    // ---- Expect: 100-continue -----------------------------------------------------------

    @Test
    void continueIsSentOnlyWhenTheHandlerReadsTheBody() throws Exception {
        withServer(quiet(), (req, resp) -> {
            if (req.path().equals("/read")) {
                resp.body().write(req.body().readAllBytes());
            } else {
                resp.status(403);
                resp.body().write("no".getBytes(StandardCharsets.US_ASCII));
            }
        }, at -> {
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                String r = readResponse(s.getInputStream());
                assertTrue(r.startsWith("HTTP/1.1 200") && r.endsWith("hello"), r);
            }
            // Not read: the response comes at once, the connection closes, the unsent body is never a request.
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("POST /deny HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nExpect: 100-continue\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(r.startsWith("HTTP/1.1 403 "), r);
                assertFalse(r.contains("100 Continue"), r);
                assertTrue(r.contains("Connection: close"), r);
            }
        });
    }

    // ---- failures -------------------------------------------------------------------------

    @Test
    void aHandlerFailureIs500BeforeTheHeadAndAnAbortAfterIt() throws Exception {
        try (LogCapture log = new LogCapture()) {
            withServer(quiet(), (req, resp) -> {
                if (req.path().equals("/late")) {
                    resp.body().write(new byte[20_000]); // more than is held back: the head is out
                }
                throw new IllegalStateException("handler-boom " + req.path());
            }, at -> {
                String early = exchange(at, "GET /early HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(early.startsWith("HTTP/1.1 500 "), early);
                assertTrue(early.contains("Connection: close"), early);
                String late = exchange(at, "GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(late.startsWith("HTTP/1.1 200 "), late);
                assertFalse(late.endsWith("0\r\n\r\n"), "the chunked body was cut off, not ended");
            });
            assertTrue(log.text().contains("handler-boom /early"), log.text());
        }
    }

    @Test
    void aBodyShorterOrLongerThanItsContentLengthClosesTheConnection() throws Exception {
        withServer(quiet(), (req, resp) -> {
            resp.header("Content-Length", "10");
            resp.body().write(HELLO, 0, req.path().equals("/short") ? 3 : 13);
        }, at -> {
            String shortOne = exchange(at, "GET /short HTTP/1.1\r\nHost: x\r\n\r\nGET /short HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(1, count(shortOne, "HTTP/1.1 "), shortOne);
            String longOne = exchange(at, "GET /long HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(longOne.startsWith("HTTP/1.1 500 "), "the overrun is caught before the head is out: " + longOne);
        });
    }

    // ---- timeouts ---------------------------------------------------------------------------

    @Test
    void aSlowLorisCannotHoldAConnectionPastTheHeaderTimeout() throws Exception {
        HttpServer.Options o = quiet().headerTimeout(Duration.ofMillis(300));
        withServer(o, HELLO_HANDLER, at -> {
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                byte[] request = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                int sent = 0;
                try {
                    for (; sent < request.length; sent++) {
                        out.write(request[sent]);
                        Thread.sleep(50); // one byte every 50 ms: the whole head would take 3 s
                        if (s.getInputStream().available() > 0) {
                            break;
                        }
                    }
                } catch (IOException closed) {
                    // the server may close while we still write
                }
                String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(r.startsWith("HTTP/1.1 408 "), r);
                assertTrue(sent < request.length, "cut off before the head was complete");
            }
        });
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        HttpServer.Options o = quiet().idleTimeout(Duration.ofMillis(200));
        withServer(o, HELLO_HANDLER, at -> {
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponse(s.getInputStream()).endsWith("Hello, World!"));
                assertEquals(-1, s.getInputStream().read(), "the server closed the idle connection");
            }
        });
    }

    // ---- StopServe and the access log ---------------------------------------------------

    @Test
    void stopServeEndsTheLoopFinishesRequestsInFlightAndClosesIdleConnections() throws Exception {
        Green.run(() -> {
            GreenServerSocket server = Green.listen(LOCAL, 128);
            InetSocketAddress at = server.localAddress();
            GreenThread<Void> serving = Green.spawn(() -> HttpServer.serve(server, (req, resp) -> {
                switch (req.path()) {
                    case "/stop" -> throw new StopServe();
                    case "/slow" -> Green.sleep(Duration.ofMillis(300));
                    default -> { }
                }
                resp.body().write(req.path().getBytes(StandardCharsets.US_ASCII));
            }, quiet()));
            List<String> results = new ArrayList<>();
            org.greenhub.Tpool.execute(() -> {
                try (Socket idle = new Socket(at.getAddress(), at.getPort());
                     Socket slow = new Socket(at.getAddress(), at.getPort())) {
                    idle.setSoTimeout(10_000);
                    slow.setSoTimeout(10_000);
                    idle.getOutputStream().write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    results.add(readResponse(idle.getInputStream()));
                    slow.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(50);
                    results.add(exchange(at, "GET /stop HTTP/1.1\r\nHost: x\r\n\r\n"));
                    results.add(readResponse(slow.getInputStream()));
                    results.add(String.valueOf(idle.getInputStream().read()));
                }
                return null;
            });
            serving.await(); // serve returned
            server.close();
            assertTrue(results.get(0).endsWith("/first"), results.get(0));
            assertTrue(results.get(1).startsWith("HTTP/1.1 200 ") && results.get(1).contains("Connection: close"), results.get(1));
            assertTrue(results.get(2).endsWith("/slow"), "the request in flight finished: " + results.get(2));
            assertEquals("-1", results.get(3), "the idle connection was closed");
        });
    }

    @Test
    void theAccessLogWritesOneCommonLogFormatLinePerRequest() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        withServer(HttpServer.Options.defaults().accessLog(lines::add), HELLO_HANDLER, at -> {
            exchange(at, "GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        });
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] "
                + "\"GET /a\\?b=c HTTP/1\\.1\" 200 13 \\d+"), lines.get(0));
    }

    @Test
    void byDefaultTheAccessLogGoesToItsSystemLogger() throws Exception {
        try (LogCapture log = new LogCapture()) {
            withServer(HttpServer.Options.defaults(), HELLO_HANDLER,
                    at -> exchange(at, "GET /logged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            assertTrue(log.text().contains("INFO org.greenhub.http.access: 127.0.0.1 - - ["), log.text());
            assertTrue(log.text().contains("\"GET /logged HTTP/1.1\" 200 13 "), log.text());
        }
    }

    @Test
    void theHandlerCannotSendAnInformationalStatusOrFramingHeaders() throws Exception {
        List<String> refused = new CopyOnWriteArrayList<>();
        withServer(quiet(), (req, resp) -> {
            for (Runnable bad : List.<Runnable>of(() -> resp.status(100), () -> resp.status(1000),
                    () -> resp.header("Transfer-Encoding", "chunked"), () -> resp.header("Bad Name", "x"),
                    () -> resp.header("X", "a\r\nInjected: y"), () -> resp.header("Content-Length", "-1"))) {
                try {
                    bad.run();
                } catch (IllegalArgumentException e) {
                    refused.add(e.getMessage());
                }
            }
            resp.body().write(HELLO);
        }, at -> {
            String r = exchange(at, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 200 ") && r.endsWith("Hello, World!") && !r.contains("Injected"), r);
        });
        assertEquals(6, refused.size(), refused.toString());
    }

    @Test
    void optionsAreImmutableAndCheckTheirArguments() {
        HttpServer.Options d = HttpServer.Options.defaults();
        HttpServer.Options o = d.maxBody(10);
        assertNotSame(d, o);
        assertTrue(d.toString().contains("maxBody=67108864"), d.toString());
        assertTrue(o.toString().contains("maxBody=10"), o.toString());
        assertThrows(IllegalArgumentException.class, () -> d.maxBody(-1));
        assertThrows(IllegalArgumentException.class, () -> d.idleTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> d.headerTimeout(null));
        assertThrows(IllegalArgumentException.class, () -> d.concurrency(0));
        assertThrows(IllegalArgumentException.class, () -> d.maxHeaders(0));
    }
}
