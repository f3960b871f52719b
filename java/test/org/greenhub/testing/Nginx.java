package org.greenhub.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx (.ci/run installs it) started for a test: one worker, in the
 * foreground, on a free port of 127.0.0.1, in a directory of its own under target/,
 * with the test's {@code server} block. Closing it stops nginx.
 */
public final class Nginx implements AutoCloseable {
    public static final Path BIN = Path.of("/usr/sbin/nginx");
    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The port nginx listens on. */
    public int port() {
        return port;
    }

    /**
     * Starts nginx with {@code http} inside its {@code http} block; {@code %PORT%} in it
     * stands for the port nginx listens on. Waits until it accepts connections.
     */
    public static Nginx start(String name, String http) throws IOException, InterruptedException {
        if (!Files.isExecutable(BIN)) {
            throw new IllegalStateException("nginx is not installed here (.ci/run installs Debian's nginx)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // a free high port
        }
        Path work = Path.of("target", "nginx-test").toAbsolutePath();
        Files.createDirectories(work);
        Path dir = Files.createTempDirectory(work, name);
        Files.createDirectories(dir.resolve("tmp"));
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    keepalive_requests 100000;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                %2$s
                }
                """.formatted(dir, http.replace("%PORT%", Integer.toString(port)));
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(BIN.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return new Nginx(p, port);
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    p.destroyForcibly();
                    throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("error.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
