package org.greenhub.green;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.testing.Nginx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The green URL reader against a real peer: Debian's nginx (.ci/run installs it),
 * started on a free high port of 127.0.0.1 with a config of the test's own,
 * serving 1,000 files of 1 byte to 1 MB.
 */
@Timeout(180)
class NginxCrawlTest {
    static final Path WORK = Path.of("target", "nginx-test").toAbsolutePath();
    static final Path WWW = WORK.resolve("www");
    static final int FILES = 1000;
    static Nginx nginx;
    static int port;

    /** Sizes spread evenly on a log scale from 1 byte to 1 MiB, the same every run. */
    static int size(int i) {
        return (int) Math.round(Math.pow(1 << 20, i / (double) (FILES - 1)));
    }

    static byte[] content(int i) {
        byte[] b = new byte[size(i)];
        new Random(i).nextBytes(b);
        return b;
    }

    @BeforeAll
    static void startNginx() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Nginx.BIN), "nginx is not installed here (.ci/run installs Debian's nginx)");
        Path done = WWW.resolve(".complete");
        if (!Files.exists(done)) { // the three hub runs share the files
            Files.createDirectories(WWW);
            for (int i = 0; i < FILES; i++) {
                Files.write(WWW.resolve("f" + i), content(i));
            }
            Files.writeString(done, "ok");
        }
        nginx = Nginx.start("crawl", "server { listen 127.0.0.1:%PORT%; root " + WWW + "; }");
        port = nginx.port();
    }

    @AfterAll
    static void stopNginx() throws Exception {
        Urls.closeIdleConnections();
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void crawlsAThousandFilesWithAPoolOfAHundredEveryByteIntact() {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            urls.add(URI.create("http://127.0.0.1:" + port + "/f" + i));
        }
        long bytes = Green.run(() -> {
            GreenPool pool = new GreenPool(100);
            long total = 0;
            int i = 0;
            for (Iterator<byte[]> it = pool.imap(Urls::read, urls); it.hasNext(); i++) {
                byte[] body = it.next();
                assertTrue(Arrays.equals(content(i), body), "file f" + i + " (" + size(i) + " bytes) differs");
                total += body.length;
            }
            assertEquals(FILES, i);
            return total;
        });
        long expected = 0;
        for (int i = 0; i < FILES; i++) {
            expected += size(i);
        }
        assertEquals(expected, bytes);
        assertEquals(1, size(0));
        assertEquals(1 << 20, size(FILES - 1));
    }

    @Test
    void aMissingFileIsA404IOException() {
        Throwable e = assertThrows(org.greenhub.GreenException.class, () -> Green.run(() ->
                Urls.read(URI.create("http://127.0.0.1:" + port + "/no-such-file")))).getCause();
        assertInstanceOf(IOException.class, e);
        assertTrue(e.getMessage().contains("404"), e.getMessage());
    }
}
