package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.greenhub.testing.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/WebSocketChat.java in a real browser: the example runs in its own JVM (the
 * java launcher compiles the source file), headless Chromium opens its page twice, and the
 * test drives both pages through the DevTools protocol (over the JDK's WebSocket client):
 * it types a message into one page's form, clicks Send, and reads the broadcast back from
 * the other page's DOM. Chromium is Debian's /usr/bin/chromium (.ci/run installs it).
 */
@Timeout(180)
class WebSocketChatTest {
    /** Polls a condition every 100 ms, up to {@code seconds}; the last value is in the failure. */
    static String await(String what, int seconds, java.util.concurrent.Callable<String> value, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = value.call();
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        return fail(what + " within " + seconds + " s; last seen:\n" + last);
    }

    /** A small Chrome DevTools protocol client: commands by id, answers as JSON text. */
    static final class DevTools implements java.net.http.WebSocket.Listener, AutoCloseable {
        private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
        private final StringBuilder part = new StringBuilder();
        private final java.net.http.WebSocket ws;

        DevTools(HttpClient http, String url) throws Exception {
            ws = http.newWebSocketBuilder().buildAsync(URI.create(url), this).get(30, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                String msg = part.toString();
                part.setLength(0);
                Matcher m = ID.matcher(msg);
                if (m.find()) {
                    CompletableFuture<String> f = pending.remove(Integer.parseInt(m.group(1)));
                    if (f != null) {
                        f.complete(msg);
                    }
                } // else an event: not needed here
            }
            w.request(1);
            return null;
        }

        /** Sends {@code method} with {@code params} (a JSON object) to the browser or, with a session, to a page; returns the answer. */
        String call(String session, String method, String params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<String> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ws.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                    + (session != null ? ",\"sessionId\":\"" + session + "\"" : "") + "}", true).get(30, TimeUnit.SECONDS);
            String r = answer.get(30, TimeUnit.SECONDS);
            assertFalse(r.startsWith("{\"id\":" + id + ",\"error\""), method + ": " + r);
            return r;
        }

        /** Opens {@code url} in a new page; returns the page's session id. */
        String open(String url) throws Exception {
            String target = field(call(null, "Target.createTarget", "{\"url\":" + json(url) + "}"), "targetId");
            return field(call(null, "Target.attachToTarget", "{\"targetId\":" + json(target) + ",\"flatten\":true}"), "sessionId");
        }

        /** Evaluates {@code js} (which yields a string) in a page; null when it threw (e.g. the page is still loading). */
        String eval(String session, String js) throws Exception {
            String r = call(session, "Runtime.evaluate", "{\"expression\":" + json(js) + ",\"returnByValue\":true}");
            if (r.contains("\"exceptionDetails\"")) {
                return null;
            }
            return field(r, "value");
        }

        void closePage(String session) throws Exception {
            call(session, "Page.close", "{}");
        }

        @Override
        public void close() {
            try {
                call(null, "Browser.close", "{}");
            } catch (Exception ignored) {
                // the browser may drop the connection before it answers; the test kills it anyway
            }
            ws.abort();
        }

        static String field(String json, String name) {
            Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
            assertTrue(m.find(), name + " in " + json);
            return unescape(m.group(1));
        }

        static String json(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        static String unescape(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
            return b.toString();
        }
    }

    /** The page's state and chat log, one line each: "open", then every message shown. */
    static final String READ_PAGE = "(() => { if (!document.body || !document.getElementById('log')) return 'loading';"
            + " return [document.body.dataset.state].concat(Array.from(document.querySelectorAll('#log li'), li => li.textContent)).join('\\n'); })()";

    static String say(String text) {
        return "(() => { document.getElementById('msg').value = " + DevTools.json(text) + ";"
                + " document.getElementById('send').click(); return 'clicked'; })()";
    }

    static Process start(List<String> cmd, Path log) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void twoChromiumPagesChat(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/chromium").canExecute(), "Chromium is not installed (.ci/run installs Debian's chromium)");
        Path example = Path.of(System.getProperty("user.dir"), "examples", "WebSocketChat.java");
        assertTrue(Files.exists(example), example.toString());

        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(ChildJvm.jvmFlags());
        java.add("-Dgreenhub.hub=" + System.getProperty("greenhub.hub", "nio"));
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), example.toString(), "0"));
        Path chatLog = dir.resolve("chat.log");
        Process chat = start(java, chatLog);
        Process browser = null;
        try {
            String url = await("the chat serving", 60, () -> {
                assertTrue(chat.isAlive(), () -> "the chat ended: " + read(chatLog));
                return read(chatLog).lines().filter(l -> l.startsWith("serving on ")).findFirst().map(l -> l.substring(11)).orElse(null);
            }, u -> true);
            assertTrue(url.startsWith("http://127.0.0.1:"), url);

            Path profile = dir.resolve("chromium-profile");
            Path browserLog = dir.resolve("chromium.log");
            browser = start(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"), browserLog);
            Process b = browser;
            Path activePort = profile.resolve("DevToolsActivePort");
            String endpoint = await("Chromium's DevTools endpoint", 60, () -> {
                assertTrue(b.isAlive(), () -> "Chromium ended: " + read(browserLog));
                List<String> lines = Files.exists(activePort) ? Files.readAllLines(activePort) : List.of();
                return lines.size() >= 2 ? "ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim() : null;
            }, e -> true);

            try (HttpClient http = HttpClient.newHttpClient(); DevTools devtools = new DevTools(http, endpoint)) {
                String alice = devtools.open(url);
                await("page A connected and welcomed", 60, () -> devtools.eval(alice, READ_PAGE),
                        s -> s.startsWith("open\n") && s.contains("* welcome: 1 here"));
                String bob = devtools.open(url);
                await("page B connected and welcomed", 60, () -> devtools.eval(bob, READ_PAGE),
                        s -> s.startsWith("open\n") && s.contains("* welcome: 2 here"));

                assertEquals("clicked", devtools.eval(alice, say("hello from page A ✓")));
                String seenByBob = await("the message from A shown in page B", 60, () -> devtools.eval(bob, READ_PAGE),
                        s -> s.contains("hello from page A ✓"));
                assertEquals(List.of("open", "* welcome: 2 here", "hello from page A ✓"), seenByBob.lines().toList());
                await("A's own message shown in page A", 60, () -> devtools.eval(alice, READ_PAGE), s -> s.contains("hello from page A ✓"));

                assertEquals("clicked", devtools.eval(bob, say("and hello back from B")));
                String seenByAlice = await("B's answer shown in page A", 60, () -> devtools.eval(alice, READ_PAGE),
                        s -> s.contains("and hello back from B"));
                assertEquals(List.of("open", "* welcome: 1 here", "hello from page A ✓", "and hello back from B"),
                        seenByAlice.lines().toList());

                // B leaves; the chat goes on for A, and a newcomer hears A's next message
                devtools.closePage(bob);
                String carol = devtools.open(url);
                await("page C connected and welcomed", 60, () -> devtools.eval(carol, READ_PAGE),
                        s -> s.startsWith("open\n") && s.contains("* welcome: "));
                assertEquals("clicked", devtools.eval(alice, say("still here")));
                await("A's message after B left, in page C", 60, () -> devtools.eval(carol, READ_PAGE), s -> s.contains("still here"));
                await("A's message after B left, in page A", 60, () -> devtools.eval(alice, READ_PAGE), s -> s.endsWith("\nstill here"));
            }
            assertTrue(chat.isAlive(), () -> "the chat server is still up: " + read(chatLog));
        } finally {
            stop(browser);
            stop(chat);
        }
        assertFalse(read(chatLog).contains("Exception"), read(chatLog));
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
