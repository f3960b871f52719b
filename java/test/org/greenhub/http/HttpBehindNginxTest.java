package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.greenhub.Green;
import org.greenhub.GreenPool;
import org.greenhub.green.Urls;
import org.greenhub.testing.Nginx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debian's nginx as a reverse proxy in front of greenhub (proxy_pass with upstream
 * keepalive): 1,000 requests through it, answers from 10 bytes to 64 KiB (small ones
 * with a Content-Length, large ones chunked), every byte checked.
 */
@Timeout(120)
class HttpBehindNginxTest {
    static byte[] answer(int i) {
        byte[] b = new byte[10 + (i * 797) % (64 * 1024)];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i + k * 31);
        }
        return b;
    }

    @Test
    void aThousandRequestsThroughNginxWithUpstreamKeepAlive() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        HttpServerTest.withServer(HttpServerTest.quiet(), (req, resp) -> {
            handled.incrementAndGet();
            int i = Integer.parseInt(req.path().substring(1));
            resp.header("Content-Type", "application/octet-stream");
            resp.body().write(answer(i));
        }, at -> {
            String http = """
                    upstream greenhub { server 127.0.0.1:%d; keepalive 16; }
                    server {
                        listen 127.0.0.1:%%PORT%%;
                        location / {
                            proxy_pass http://greenhub;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                    """.formatted(at.getPort());
            try (Nginx nginx = Nginx.start("proxy", http)) {
                List<URI> urls = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    urls.add(URI.create("http://127.0.0.1:" + nginx.port() + "/" + i));
                }
                int n = Green.run(() -> {
                    int i = 0;
                    for (Iterator<byte[]> it = new GreenPool(50).imap(Urls::read, urls); it.hasNext(); i++) {
                        byte[] body = it.next();
                        assertTrue(Arrays.equals(answer(i), body), "answer " + i + " through nginx");
                    }
                    return i;
                });
                assertEquals(1000, n);
                Urls.closeIdleConnections();
            }
        });
        assertEquals(1000, handled.get(), "each request reached greenhub once");
    }
}
