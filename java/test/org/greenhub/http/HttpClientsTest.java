package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against clients nobody here wrote: the JDK's HttpClient, curl and Python's
 * http.client (Debian's /usr/bin/python3), each checking every byte. The handler answers
 * GET with its path and POST with the body's length and SHA-256.
 */
@Timeout(120)
class HttpClientsTest {
    static final HttpHandler ECHO = (req, resp) -> {
        if (req.method().equals("POST")) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n = 0;
            byte[] buf = new byte[16384];
            for (int r; (r = req.body().read(buf)) > 0; ) {
                sha.update(buf, 0, r);
                n += r;
            }
            resp.header("Content-Type", "text/plain");
            resp.body().write((n + " " + HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.US_ASCII));
        } else {
            resp.body().write(("path " + req.path()).getBytes(StandardCharsets.US_ASCII));
        }
    };

    static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 131 + 7);
        }
        return b;
    }

    static String digestLine(byte[] b) throws Exception {
        return b.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Runs a command with a time limit; its stdout and stderr together, and its exit code checked. */
    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + cmd);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), cmd + "\n" + text);
        return text;
    }

    static String url(InetSocketAddress at, String path) {
        return "http://127.0.0.1:" + at.getPort() + path;
    }

    @Test
    void jdkHttpClient() throws Exception {
        HttpServerTest.withServer(HttpServerTest.quiet(), ECHO, at -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 20; i++) {
                var r = client.send(java.net.http.HttpRequest.newBuilder(URI.create(url(at, "/get/" + i))).build(),
                        BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("path /get/" + i, r.body());
                assertTrue(r.headers().firstValue("date").isPresent());
            }
            for (int size : new int[] {0, 1, 8191, 8192, 100_000, 3_000_000}) {
                byte[] body = data(size);
                var r = client.send(java.net.http.HttpRequest.newBuilder(URI.create(url(at, "/post")))
                        .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(digestLine(body), r.body(), "body of " + size + " bytes");
            }
        });
    }

    @Test
    void curlReusesTheConnectionUploadsChunkedAndWaitsFor100Continue(@TempDir Path dir) throws Exception {
        assertTrue(new File("/usr/bin/curl").canExecute(), "curl is installed (.ci/run installs it)");
        byte[] body = data(2_500_000);
        Path file = dir.resolve("body.bin");
        Files.write(file, body);
        HttpServerTest.withServer(HttpServerTest.quiet(), ECHO, at -> {
            String reuse = run(List.of("curl", "-sS", "-v", url(at, "/a"), url(at, "/b")));
            assertTrue(reuse.contains("path /a") && reuse.contains("path /b"), reuse);
            assertTrue(reuse.contains("Re-using existing connection"), "curl kept the connection alive:\n" + reuse);

            String chunked = run(List.of("curl", "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                    url(at, "/upload")));
            assertEquals(digestLine(body), chunked.trim());

            String expect = run(List.of("curl", "-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file,
                    url(at, "/upload")));
            assertTrue(expect.contains("HTTP/1.1 100 Continue"), expect);
            assertTrue(expect.contains(digestLine(body)), expect);
        });
    }

    @Test
    void pythonHttpClient() throws Exception {
        assertTrue(new File("/usr/bin/python3").canExecute(), "Debian's python3 is installed");
        byte[] body = data(300_000);
        HttpServerTest.withServer(HttpServerTest.quiet(), ECHO, at -> {
            String script = String.join("\n",
                    "import http.client, hashlib",
                    "c = http.client.HTTPConnection('127.0.0.1', " + at.getPort() + ", timeout=30)",
                    "for p in ('/x', '/y'):",
                    "    c.request('GET', p)",
                    "    r = c.getresponse()",
                    "    print(r.status, r.read().decode())",
                    "data = bytes((i * 131 + 7) & 0xff for i in range(" + body.length + "))",
                    "def chunks():",
                    "    for i in range(0, len(data), 7000):",
                    "        yield data[i:i + 7000]",
                    "c.request('POST', '/up', body=chunks(), encode_chunked=True)",
                    "r = c.getresponse()",
                    "print(r.status, r.read().decode())",
                    "c.close()");
            String out = run(List.of("/usr/bin/python3", "-c", script));
            List<String> lines = new ArrayList<>(out.lines().toList());
            assertEquals(List.of("200 path /x", "200 path /y", "200 " + digestLine(body)), lines, out);
        });
    }

    /** A bounded wrk run (2 s, 50 connections, keep-alive) as a smoke test: every response a 200, no socket error. */
    @Test
    void wrkSmoke() throws Exception {
        assertTrue(new File("/usr/bin/wrk").canExecute(), "wrk is installed (.ci/run installs it)");
        HttpServerTest.withServer(HttpServerTest.quiet(), HttpServerTest.HELLO_HANDLER, at -> {
            String out = run(List.of("wrk", "-t1", "-c50", "-d2s", "--timeout", "5s", url(at, "/")));
            assertTrue(out.contains("Requests/sec:"), out);
            assertFalse(out.contains("Non-2xx or 3xx responses"), out);
            assertFalse(out.contains("Socket errors"), out);
            long requests = Long.parseLong(out.replaceAll("(?s).*?(\\d+) requests in .*", "$1"));
            assertTrue(requests > 0, out);
        });
    }
}
