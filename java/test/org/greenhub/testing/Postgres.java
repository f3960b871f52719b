package org.greenhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL server (.ci/run installs it) started for a test: a cluster made
 * by initdb in a temporary directory, the server in the foreground on a free port of
 * 127.0.0.1 (its Unix socket in that directory), trust authentication, no fsync.
 * initdb refuses to run as root: as root, both run as the user {@code postgres}
 * (through setpriv), which owns the directory. Closing it stops the server (pg_ctl's
 * fast shutdown; killed if that fails) and deletes the directory; so does a JVM
 * shutdown hook if the test never closes it.
 */
public final class Postgres implements AutoCloseable {
    private static final Path LIB = Path.of("/usr/lib/postgresql");
    private final Process process;
    private final Path dir;
    private final int port;
    private final List<String> pgCtlStop;
    private final Thread hook;

    private Postgres(Process process, Path dir, int port, List<String> pgCtlStop) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.pgCtlStop = pgCtlStop;
        this.hook = new Thread(this::stop, "postgres-test-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The newest installed server's bin directory, or null. */
    public static Path bin() {
        if (!Files.isDirectory(LIB)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(LIB)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())))
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The port the server listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The JDBC URL of the database {@code postgres}, user {@code postgres}. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** A new connection through pgjdbc, not pooled. */
    public Connection connect() throws SQLException {
        return new org.postgresql.Driver().connect(url(), new Properties());
    }

    /** Makes a cluster in a new temporary directory and starts the server; waits until it takes connections. */
    public static Postgres start(String name) throws IOException, InterruptedException {
        Path bin = bin();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL is not installed here (.ci/run installs Debian's postgresql)");
        }
        boolean root = isRoot();
        Path dir = Files.createTempDirectory("greenhub-pg-" + name + "-");
        if (root) {
            UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, pg);
        }
        Path data = dir.resolve("data");
        Path initLog = dir.resolve("initdb.log");
        Process init = new ProcessBuilder(asPostgres(root, bin.resolve("initdb").toString(), "-D", data.toString(),
                "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"))
                .redirectErrorStream(true).redirectOutput(initLog.toFile()).start();
        if (!init.waitFor(120, TimeUnit.SECONDS) || init.exitValue() != 0) {
            init.destroyForcibly();
            String log = Files.readString(initLog);
            delete(dir);
            throw new IllegalStateException("initdb failed: " + log);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // a free high port
        }
        Path log = dir.resolve("postgres.log");
        Process p = new ProcessBuilder(asPostgres(root, bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(),
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200", "-c", "shared_buffers=32MB",
                // a backend whose client went away (a killed query's socket) ends its query soon
                "-c", "client_connection_check_interval=50ms"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Postgres pg = new Postgres(p, dir, port, asPostgres(root, bin.resolve("pg_ctl").toString(), "stop",
                "-D", data.toString(), "-m", "fast", "-w", "-t", "20"));
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = pg.connect()) {
                return pg;
            } catch (SQLException notYet) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    String out = Files.readString(log);
                    pg.close();
                    throw new IllegalStateException("postgres did not start: " + notYet + "\n" + out);
                }
                Thread.sleep(50);
            }
        }
    }

    private static List<String> asPostgres(boolean root, String... cmd) {
        List<String> all = new ArrayList<>();
        if (root) {
            all.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        all.addAll(List.of(cmd));
        return all;
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private void stop() {
        if (process.isAlive()) {
            try {
                // fast shutdown (SIGTERM, what destroy() sends, would wait for the clients to leave)
                new ProcessBuilder(pgCtlStop).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(30, TimeUnit.SECONDS);
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
        delete(dir);
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
