package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebSocket server against clients nobody here wrote: the JDK's
 * java.net.http.WebSocket, Node's npm package {@code ws} (version 8, with and without
 * permessage-deflate) and Python's {@code websockets} (Debian's python3-websockets,
 * compressed and not). Each echoes text and binary messages of 0 bytes (or characters)
 * up to 1 MiB, a fragmented message and a ping through the echo handler, checks every byte,
 * and ends with a close handshake whose code it checks. A client that is missing is a skip
 * that says why; .ci/run installs them all and fails when this test skipped.
 */
@Timeout(180)
class WebSocketClientsTest {
    /** The ws version .ci/run installs, and this test when it can (npm). */
    static final String NODE_WS = "ws@8.23.0";
    static final int[] SIZES = {0, 1, 125, 126, 65535, 65536, 100_000, 1 << 20};

    static void withEcho(HttpServerTest.Client client) throws Exception {
        HttpServerTest.withServer(HttpServerTest.quiet(), WebSocket.handler(WebSocketConformanceTest.ECHO), client);
    }

    static String url(InetSocketAddress at) {
        return "ws://127.0.0.1:" + at.getPort() + "/echo";
    }

    /** {@code n} code points cycling through 1-, 2-, 3- and 4-byte UTF-8 sequences. */
    static String text(int n) {
        int[] cps = {'a', 0xe9, 0x20ac, 0x1f600};
        StringBuilder b = new StringBuilder(n * 2);
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(cps[i % 4]);
        }
        return b.toString();
    }

    /** What a finished process printed and its exit code; a process still running after {@code seconds} is killed and fails the test. */
    record Run(int exit, String output) {
    }

    static Run run(List<String> cmd, Path dir, int seconds) throws Exception {
        Path log = Files.createTempFile(dir, "client", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, "finished within " + seconds + " s: " + cmd + "\n" + out);
            return new Run(p.exitValue(), out);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    // ---- the JDK's java.net.http.WebSocket ---------------------------------------------------

    /** A JDK WebSocket listener that reassembles messages (the JDK delivers parts) into a queue. */
    static final class Collector implements java.net.http.WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
            pongs.add(message);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(30, TimeUnit.SECONDS);
            assertNotNull(m, "a message within 30 s");
            return m;
        }
    }

    @Test
    void jdkClient() throws Exception {
        withEcho(at -> {
            try (HttpClient http = HttpClient.newHttpClient()) {
                Collector got = new Collector();
                java.net.http.WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url(at)), got).get(30, TimeUnit.SECONDS);
                Random random = new Random(1);
                for (int n : SIZES) {
                    String t = text(n);
                    ws.sendText(t, true).get(30, TimeUnit.SECONDS);
                    assertEquals(t, got.next(), "text of " + n + " code points");
                    byte[] b = new byte[n];
                    random.nextBytes(b);
                    ws.sendBinary(ByteBuffer.wrap(b), true).get(30, TimeUnit.SECONDS);
                    assertArrayEquals(b, (byte[]) got.next(), "binary of " + n + " bytes");
                }
                // a message in three parts (the JDK sends each as a frame), with a ping between them
                ws.sendText(text(1000), false).get(30, TimeUnit.SECONDS);
                ws.sendPing(ByteBuffer.wrap("jdk".getBytes(StandardCharsets.US_ASCII))).get(30, TimeUnit.SECONDS);
                ws.sendText(text(7), false).get(30, TimeUnit.SECONDS);
                ws.sendText(text(70_000), true).get(30, TimeUnit.SECONDS);
                assertEquals(text(1000) + text(7) + text(70_000), got.next(), "the message sent in three parts");
                ByteBuffer pong = got.pongs.poll(30, TimeUnit.SECONDS);
                assertNotNull(pong, "the ping was answered");
                assertEquals("jdk", StandardCharsets.US_ASCII.decode(pong).toString());
                ws.sendClose(4321, "done").get(30, TimeUnit.SECONDS);
                assertEquals(4321, got.closed.get(30, TimeUnit.SECONDS), "the close code is echoed");
            }
        });
    }

    // ---- Node's ws ----------------------------------------------------------------------------

    static final String NODE_SCRIPT = """
            const [wsPath, url, mode] = process.argv.slice(2);
            const WebSocket = require(wsPath);
            const crypto = require('crypto');
            const SIZES = %s;
            const timer = setTimeout(() => { console.log('timeout'); process.exit(3); }, 90000);
            const opts = { maxPayload: 64 << 20 };
            if (mode === 'plain') opts.perMessageDeflate = false;
            if (mode === 'deflate') opts.perMessageDeflate = { threshold: 0 };
            if (mode === 'deflate-no-context') opts.perMessageDeflate = { threshold: 0, clientNoContextTakeover: true, serverNoContextTakeover: true };
            const text = (n) => Array.from('a\\u00e9\\u20ac\\u{1f600}'.repeat(Math.ceil(n / 4))).slice(0, n).join('');
            const ws = new WebSocket(url, opts);
            let agreed = 'none';
            ws.on('upgrade', (res) => { agreed = res.headers['sec-websocket-extensions'] || 'none'; });
            const queue = []; let waiter = null;
            ws.on('message', (data, isBinary) => {
              const m = { data: Buffer.from(data), isBinary };
              if (waiter) { const w = waiter; waiter = null; w(m); } else queue.push(m);
            });
            const next = () => new Promise((r) => queue.length ? r(queue.shift()) : (waiter = r));
            ws.on('error', (e) => { console.log('error ' + e); process.exit(2); });
            ws.on('open', async () => {
              try {
                let count = 0;
                for (const n of SIZES) {
                  const t = text(n);
                  ws.send(t);
                  let m = await next();
                  if (m.isBinary || m.data.toString('utf8') !== t) throw new Error('text of ' + n + ' code points');
                  const b = crypto.randomBytes(n);
                  ws.send(b);
                  m = await next();
                  if (!m.isBinary || !m.data.equals(b)) throw new Error('binary of ' + n + ' bytes');
                  count += 2;
                }
                ws.send(text(1000), { fin: false });
                ws.send(text(7), { fin: false });
                ws.send(text(70000), { fin: true });
                const f = await next();
                if (f.isBinary || f.data.toString('utf8') !== text(1000) + text(7) + text(70000)) throw new Error('the fragmented message');
                count++;
                const pong = await new Promise((r) => { ws.once('pong', r); ws.ping('node'); });
                if (pong.toString() !== 'node') throw new Error('pong ' + pong);
                ws.on('close', (code) => {
                  clearTimeout(timer);
                  console.log(`ok ${count} messages; extensions: ${agreed}; close ${code}`);
                });
                ws.close(1000, 'done');
              } catch (e) {
                console.log('failed: ' + e.stack);
                process.exit(1);
              }
            });
            """;

    /**
     * The directory of the npm package ws@8 under target/ (.ci/run installs it; when it is
     * missing and npm exists, it is installed here), or a skip that says why.
     */
    static Path nodeWs() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/node").canExecute(), "Node.js is not installed (.ci/run installs Debian's nodejs)");
        Path prefix = Path.of(System.getProperty("user.dir"), "target", "node-ws");
        Path ws = prefix.resolve("node_modules/ws");
        if (!Files.exists(ws.resolve("package.json"))) {
            String npm = new File("/usr/bin/npm").canExecute() ? "/usr/bin/npm" : null;
            Assumptions.assumeTrue(npm != null, "npm is not installed, and " + ws + " is missing (.ci/run installs both)");
            Files.createDirectories(prefix);
            Run r = run(List.of(npm, "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund", "--no-save", NODE_WS),
                    prefix, 150);
            Assumptions.assumeTrue(r.exit() == 0 && Files.exists(ws.resolve("package.json")),
                    "npm install " + NODE_WS + " failed (no registry?):\n" + r.output());
        }
        String pkg = Files.readString(ws.resolve("package.json"));
        assertTrue(pkg.contains("\"version\": \"8."), "ws version 8 at " + ws);
        return ws;
    }

    @ParameterizedTest(name = "ws@8 {0}")
    @ValueSource(strings = {"plain", "deflate", "deflate-no-context"})
    void nodeWs(String mode, @TempDir Path dir) throws Exception {
        Path ws = nodeWs();
        Path script = dir.resolve("echo.js");
        Files.writeString(script, NODE_SCRIPT.formatted(java.util.Arrays.toString(SIZES)));
        withEcho(at -> {
            Run r = run(List.of("/usr/bin/node", script.toString(), ws.toString(), url(at), mode), dir, 120);
            assertEquals(0, r.exit(), r.output());
            String ext = mode.equals("plain") ? "none"
                    : mode.equals("deflate") ? "permessage-deflate" : "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
            assertEquals("ok " + (2 * SIZES.length + 1) + " messages; extensions: " + ext + "; close 1000", r.output().strip());
        });
    }

    // ---- Python's websockets ------------------------------------------------------------------

    static final String PYTHON_SCRIPT = """
            import asyncio, os, sys, websockets
            SIZES = %s
            def text(n):
                return ("a\\u00e9\\u20ac\\U0001f600" * (n // 4 + 1))[:n]
            async def main(url, mode):
                kw = {} if mode == "deflate" else {"compression": None}
                async with websockets.connect(url, max_size=None, **kw) as ws:
                    names = [e.name for e in ws.extensions]
                    count = 0
                    for n in SIZES:
                        t = text(n)
                        await ws.send(t)
                        assert await ws.recv() == t, "text of %%d code points" %% n
                        b = os.urandom(n)
                        await ws.send(b)
                        assert await ws.recv() == b, "binary of %%d bytes" %% n
                        count += 2
                    parts = [text(1000), text(7), text(70000)]
                    await ws.send(parts)  # an iterable goes out as fragments
                    assert await ws.recv() == "".join(parts), "the fragmented message"
                    count += 1
                    await asyncio.wait_for(await ws.ping(b"python"), 30)
                    await ws.close(code=1000, reason="done")
                    print("ok %%d messages; extensions: %%s; close %%d" %% (count, names, ws.close_code))
            asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 90))
            """;

    @ParameterizedTest(name = "python websockets {0}")
    @ValueSource(strings = {"deflate", "plain"})
    void pythonWebsockets(String mode, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/python3").canExecute(), "Debian's /usr/bin/python3 is not installed");
        Run probe = run(List.of("/usr/bin/python3", "-c", "import websockets; print(websockets.__version__)"), dir, 30);
        Assumptions.assumeTrue(probe.exit() == 0, "python3-websockets is not installed (.ci/run installs it): " + probe.output());
        Path script = dir.resolve("echo.py");
        Files.writeString(script, PYTHON_SCRIPT.formatted(java.util.Arrays.toString(SIZES)));
        withEcho(at -> {
            Run r = run(List.of("/usr/bin/python3", script.toString(), url(at), mode), dir, 120);
            assertEquals(0, r.exit(), r.output());
            String ext = mode.equals("deflate") ? "['permessage-deflate']" : "[]";
            assertEquals("ok " + (2 * SIZES.length + 1) + " messages; extensions: " + ext + "; close 1000", r.output().strip());
        });
    }
}
