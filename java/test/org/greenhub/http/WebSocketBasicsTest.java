package org.greenhub.http;

import static org.greenhub.http.HttpServerTest.exchange;
import static org.greenhub.http.HttpServerTest.quiet;
import static org.greenhub.http.HttpServerTest.withServer;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket upgrade and echo with two real clients (the JDK's, Python's websockets), and refused handshakes. */
@Timeout(60)
class WebSocketBasicsTest {
    static final HttpHandler ECHO = WebSocket.handler(ws -> {
        Object m;
        while ((m = ws.receive()) != null) {
            if (m instanceof String s) {
                ws.send(s);
            } else {
                ws.send((byte[]) m);
            }
        }
    });

    @Test
    void jdkClientEchoesTextAndBinaryThenCloses() throws Exception {
        withServer(quiet(), ECHO, at -> {
            LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            java.net.http.WebSocket c = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/"), new java.net.http.WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();
                        final java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();

                        @Override
                        public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                got.add(text.toString());
                                text.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onBinary(java.net.http.WebSocket w, ByteBuffer data, boolean last) {
                            byte[] b = new byte[data.remaining()];
                            data.get(b);
                            bin.writeBytes(b);
                            if (last) {
                                got.add(bin.toByteArray());
                                bin.reset();
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            String text = "héllo, wörld ✓".repeat(5000);
            c.sendText(text, true).get(10, TimeUnit.SECONDS);
            assertEquals(text, got.poll(10, TimeUnit.SECONDS));
            byte[] data = new byte[300_000];
            new Random(1).nextBytes(data);
            c.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(data, (byte[]) got.poll(10, TimeUnit.SECONDS));
            c.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            assertEquals(1000, closed.get(10, TimeUnit.SECONDS), "the close code is echoed");
        });
    }

    @Test
    void pythonWebsocketsEchoesCompressed(@TempDir Path dir) throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(py), "needs Debian's /usr/bin/python3");
        Process probe = new ProcessBuilder(py.toString(), "-c", "import websockets").start();
        Assumptions.assumeTrue(probe.waitFor() == 0, "needs python3-websockets (.ci/run installs it)");
        Path script = dir.resolve("echo.py");
        Files.writeString(script, """
                import asyncio, os, sys, websockets
                async def main():
                    async with websockets.connect(sys.argv[1], max_size=None) as ws:
                        assert ws.extensions and ws.extensions[0].name == "permessage-deflate", ws.extensions
                        for n in (1, 1000, 70000, 1 << 20):
                            t = ("abc\u00e9" * n)[:n]
                            await ws.send(t)
                            assert await ws.recv() == t
                            b = os.urandom(n // 2) + bytes(n - n // 2)
                            await ws.send(b)
                            assert await ws.recv() == b
                    print("ok")
                asyncio.run(main())
                """);
        withServer(quiet(), ECHO, at -> {
            Process p = new ProcessBuilder(py.toString(), script.toString(), "ws://127.0.0.1:" + at.getPort() + "/")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertEquals("ok", out.strip());
        });
    }

    @Test
    void badHandshakesAreRefused() throws Exception {
        String ok = "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        withServer(quiet(), ECHO, at -> {
            String r;
            try (java.net.Socket s = new java.net.Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write((ok + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                r = HttpServerTest.readResponse(s.getInputStream());
            }
            assertTrue(r.startsWith("HTTP/1.1 101 "), r);
            assertTrue(r.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), r);
            r = exchange(at, ok + "Sec-WebSocket-Version: 8\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 426 "), r);
            assertTrue(r.contains("\r\nSec-WebSocket-Version: 13\r\n"), r);
            r = exchange(at, ok.replace("GET", "POST") + "Sec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 400 "), r);
            r = exchange(at, ok.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=") + "Sec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 400 "), r);
            r = exchange(at, ok.replace("Upgrade: websocket\r\n", "") + "Sec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 400 "), r);
        });
    }
}
