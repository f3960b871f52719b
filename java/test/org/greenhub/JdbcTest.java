package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.greenhub.pools.Lease;
import org.greenhub.pools.ResourcePool;
import org.greenhub.testing.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JDK blocking calls on green threads, proven on a real PostgreSQL (Debian's, which
 * .ci/run installs; started by {@link Postgres} on a free port of 127.0.0.1) through
 * pgjdbc, a pure-Java driver whose socket calls park the green thread, with HikariCP
 * and with greenhub's ResourcePool: fan-outs on one hub, kill and Timeout in the
 * middle of a query, a transaction killed midway, hubs one after another, and Tpool
 * around a call that does block the hub.
 */
@org.junit.jupiter.api.Timeout(180)
class JdbcTest {
    static Postgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        Assumptions.assumeTrue(Postgres.bin() != null, "PostgreSQL is not installed here (.ci/run installs Debian's postgresql)");
        pg = Postgres.start("jdbc");
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    static HikariDataSource hikari(int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(pg.url());
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        c.setConnectionTimeout(30_000);
        c.setPoolName("jdbc-test-" + size);
        return new HikariDataSource(c);
    }

    static ResourcePool<Connection> resourcePool(int size) {
        return new ResourcePool<>(0, size, () -> {
            try {
                return pg.connect();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Runs {@code sql} on {@code c}; the first column of the first row as a long. */
    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    static long query(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return queryLong(c, sql);
        }
    }

    /** The README's pattern: a connection whose use failed halfway is discarded, not put back. */
    static long query(ResourcePool<Connection> pool, String sql) throws SQLException {
        try (Lease<Connection> lease = pool.lease()) {
            try {
                return queryLong(lease.get(), sql);
            } catch (SQLException | RuntimeException e) {
                lease.discard();
                lease.get().close();
                throw e;
            }
        }
    }

    /** A green thread that sleeps 5 ms in a loop on the caller's hub and records the longest gap between its wake-ups. */
    static final class Ticker {
        private volatile boolean stop;
        private volatile long maxGapNanos;
        private volatile int ticks;
        private final GreenThread<Void> thread;

        Ticker() {
            thread = Green.spawn(() -> {
                long last = System.nanoTime();
                while (!stop) {
                    Green.sleep(Duration.ofMillis(5));
                    long now = System.nanoTime();
                    maxGapNanos = Math.max(maxGapNanos, now - last);
                    last = now;
                    ticks++;
                }
            });
        }

        int ticks() {
            return ticks;
        }

        /** Stops it; the longest gap in ms. */
        double stop() {
            stop = true;
            thread.await();
            return maxGapNanos / 1e6;
        }
    }

    /**
     * The fan-out, warmed up, then measured up to three times: passes when a run's
     * longest ticker gap is under 50 ms. A hub blocked by the driver would miss in
     * every run; one run may miss on a machine whose other processes take the core.
     */
    static void fanOutWithTicker(String what, GreenFunction<Integer, Long> query) {
        fanOut(query); // warm-up: the classes loaded, the pool filled
        List<String> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            double gap = fanOut(query);
            double secs = (System.nanoTime() - t0) / 1e9;
            runs.add(String.format("%.2f s, longest gap %.1f ms", secs, gap));
            if (gap < 50) {
                System.out.printf("JdbcTest[%s]: %s fan-out of 200 x pg_sleep(0.1), pool of 20: %s%n", Green.hub().name(), what, runs);
                return;
            }
        }
        fail(what + ": the ticker on the same hub waited 50 ms or more in every run: " + runs);
    }

    /** 200 green threads, each a SELECT pg_sleep(0.1) through {@code query}; returns the ticker's longest gap. */
    static double fanOut(GreenFunction<Integer, Long> query) {
        Ticker ticker = new Ticker();
        List<GreenThread<Long>> threads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            threads.add(Green.spawn(() -> query.apply(n)));
        }
        for (int i = 0; i < threads.size(); i++) {
            assertEquals(i, threads.get(i).await());
        }
        return ticker.stop();
    }

    @Test
    void fanOutThroughHikariOnOneHubWithATicker() throws Exception {
        try (HikariDataSource ds = hikari(20)) {
            Green.run(() -> fanOutWithTicker("HikariCP", n -> query(ds, "SELECT " + n + " FROM pg_sleep(0.1)")));
        }
    }

    @Test
    void fanOutThroughResourcePoolOnOneHubWithATicker() throws Exception {
        ResourcePool<Connection> pool = resourcePool(20);
        try {
            Green.run(() -> {
                fanOutWithTicker("ResourcePool", n -> query(pool, "SELECT " + n + " FROM pg_sleep(0.1)"));
                assertEquals(20, pool.size());
            });
        } finally {
            closeAll(pool);
        }
    }

    static void closeAll(ResourcePool<Connection> pool) throws SQLException {
        for (int n = pool.size(); n > 0; n--) {
            pool.get(Duration.ZERO).close();
        }
    }

    /** Waits until a backend runs {@code sql} (marked with a comment of its own), so that a kill lands mid-query. */
    static void awaitRunning(String sql) throws SQLException {
        try (Connection c = pg.connect()) {
            String probe = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = '" + sql.replace("'", "''") + "'";
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (queryLong(c, probe) == 0) {
                assertTrue(System.nanoTime() < end, "never ran: " + sql);
                Green.sleep(Duration.ofMillis(10));
            }
        }
    }

    /** Waits until no backend runs {@code sql} any more: its client's connection was closed. */
    static void awaitGone(String sql) throws SQLException {
        try (Connection c = pg.connect()) {
            String probe = "SELECT count(*) FROM pg_stat_activity WHERE query = '" + sql.replace("'", "''") + "'";
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (queryLong(c, probe) != 0) {
                assertTrue(System.nanoTime() < end, "still running: " + sql);
                Green.sleep(Duration.ofMillis(10));
            }
        }
    }

    /** Whether {@code t}'s causes, or the exceptions suppressed in it, include a {@code type}. */
    static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return Arrays.stream(t.getSuppressed()).anyMatch(type::isInstance);
    }

    /** Kills a green thread in the middle of {@code sql} run by {@code body}; checks what its await says; returns how long the kill took in ms. */
    static double killMidQuery(String sql, Callable<Long> body) throws Exception {
        GreenThread<Long> victim = Green.spawn(body);
        awaitRunning(sql);
        long t0 = System.nanoTime();
        victim.kill();
        double ms = (System.nanoTime() - t0) / 1e6;
        GreenThreadExit exit = assertThrows(GreenThreadExit.class, victim::await);
        // the driver wrapped the interrupt: its exception rides along as suppressed
        assertTrue(Arrays.stream(exit.getSuppressed()).anyMatch(s -> s instanceof SQLException), Arrays.toString(exit.getSuppressed()));
        assertTrue(ms < 2_000, "the kill took " + ms + " ms");
        return ms;
    }

    @Test
    void killMidQueryThroughHikariThenTheNextQueryIsRight() throws Exception {
        try (HikariDataSource ds = hikari(1)) {
            Green.run(() -> {
                assertEquals(1, query(ds, "SELECT 1"));
                String sql = "SELECT 7 FROM pg_sleep(5) /* kill-hikari */";
                killMidQuery(sql, () -> query(ds, sql));
                // the pool's one connection was evicted; the next is a new one and answers right
                assertEquals(42, query(ds, "SELECT 42"));
                assertFalse(Thread.currentThread().isInterrupted());
                awaitGone(sql);
            });
        }
    }

    @Test
    void killMidQueryThroughResourcePoolThenTheNextQueryIsRight() throws Exception {
        ResourcePool<Connection> pool = resourcePool(1);
        try {
            Green.run(() -> {
                assertEquals(1, query(pool, "SELECT 1"));
                String sql = "SELECT 7 FROM pg_sleep(5) /* kill-pool */";
                killMidQuery(sql, () -> query(pool, sql));
                assertEquals(0, pool.size()); // discarded, not put back
                assertEquals(42, query(pool, "SELECT 42"));
                assertEquals(1, pool.size());
                awaitGone(sql);
            });
        } finally {
            closeAll(pool);
        }
    }

    @Test
    void timeoutAroundAQueryThroughHikari() throws Exception {
        try (HikariDataSource ds = hikari(1)) {
            Green.run(() -> {
                assertEquals(1, query(ds, "SELECT 1"));
                // Green.withTimeout: the TimeoutExpired, the driver's exception its cause
                long t0 = System.nanoTime();
                TimeoutExpired e = assertThrows(TimeoutExpired.class,
                        () -> Green.withTimeout(Duration.ofMillis(300), () -> query(ds, "SELECT 1 FROM pg_sleep(5)")));
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("JdbcTest[%s]: Timeout of 300 ms around pg_sleep(5) fired after %.0f ms%n", Green.hub().name(), ms);
                assertTrue(ms >= 300 && ms < 2_500, "the timeout took " + ms + " ms");
                assertTrue(hasCause(e, SQLException.class), String.valueOf(e.getCause()));
                assertFalse(Thread.currentThread().isInterrupted());
                assertEquals(42, query(ds, "SELECT 42"));

                // try-with-resources: the driver's exception, the TimeoutExpired suppressed in it
                Timeout[] started = new Timeout[1];
                t0 = System.nanoTime();
                SQLException s = assertThrows(SQLException.class, () -> {
                    try (Timeout t = Timeout.start(Duration.ofMillis(300))) {
                        started[0] = t;
                        query(ds, "SELECT 2 FROM pg_sleep(5)");
                    }
                });
                ms = (System.nanoTime() - t0) / 1e6;
                assertTrue(ms >= 300 && ms < 2_500, "the timeout took " + ms + " ms");
                assertTrue(Arrays.stream(s.getSuppressed()).anyMatch(x -> x instanceof TimeoutExpired te && te.timeout() == started[0]),
                        Arrays.toString(s.getSuppressed()));
                assertFalse(Thread.currentThread().isInterrupted());
                assertEquals(43, query(ds, "SELECT 43"));
                // the 3-argument form gives its fallback
                assertEquals(-1L, Green.withTimeout(Duration.ofMillis(100), () -> query(ds, "SELECT 3 FROM pg_sleep(5)"), -1L));
                assertEquals(44, query(ds, "SELECT 44"));
            });
        }
    }

    @Test
    void timeoutAroundAQueryThroughResourcePool() throws Exception {
        ResourcePool<Connection> pool = resourcePool(1);
        try {
            Green.run(() -> {
                assertEquals(1, query(pool, "SELECT 1"));
                long t0 = System.nanoTime();
                assertThrows(TimeoutExpired.class,
                        () -> Green.withTimeout(Duration.ofMillis(300), () -> query(pool, "SELECT 1 FROM pg_sleep(5)")));
                double ms = (System.nanoTime() - t0) / 1e6;
                assertTrue(ms >= 300 && ms < 2_500, "the timeout took " + ms + " ms");
                assertEquals(0, pool.size());
                assertFalse(Thread.currentThread().isInterrupted());
                assertEquals(42, query(pool, "SELECT 42"));
            });
        } finally {
            closeAll(pool);
        }
    }

    /**
     * Green.patch()'s sockets, given to pgjdbc through its socketFactory property (the
     * JVM stays unpatched): a kill or Timeout ends the driver's read at a greenhub
     * blocking point, inside the driver; the socket is closed and the driver sees an
     * I/O error, as with the JDK's sockets, so the pools drop the connection.
     */
    @Test
    void onGreenJavaNetSocketsKillAndTimeoutLeaveNoBrokenConnection() throws Exception {
        String url = pg.url() + "&socketFactory=" + org.greenhub.testing.GreenSocketFactory.class.getName();
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setMaximumPoolSize(1);
        c.setPoolName("jdbc-test-green-sockets");
        ResourcePool<Connection> pool = new ResourcePool<>(0, 1, () -> {
            try {
                return new org.postgresql.Driver().connect(url, new java.util.Properties());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try (HikariDataSource ds = new HikariDataSource(c)) {
            Green.run(() -> {
                assertEquals(1, query(ds, "SELECT 1"));
                assertEquals(1, query(pool, "SELECT 1"));
                long t0 = System.nanoTime();
                TimeoutExpired e = assertThrows(TimeoutExpired.class,
                        () -> Green.withTimeout(Duration.ofMillis(300), () -> query(ds, "SELECT 1 FROM pg_sleep(5)")));
                double ms = (System.nanoTime() - t0) / 1e6;
                assertTrue(ms >= 300 && ms < 2_500, "the timeout took " + ms + " ms");
                assertTrue(hasCause(e, SQLException.class), String.valueOf(e.getCause()));
                assertEquals(42, query(ds, "SELECT 42"));
                SQLException s = assertThrows(SQLException.class, () -> {
                    try (Timeout t = Timeout.start(Duration.ofMillis(300))) {
                        query(ds, "SELECT 2 FROM pg_sleep(5)");
                    }
                });
                assertTrue(Arrays.stream(s.getSuppressed()).anyMatch(x -> x instanceof TimeoutExpired), Arrays.toString(s.getSuppressed()));
                assertEquals(43, query(ds, "SELECT 43"));
                String sql = "SELECT 7 FROM pg_sleep(5) /* kill-green-sockets */";
                killMidQuery(sql, () -> query(ds, sql));
                assertEquals(44, query(ds, "SELECT 44"));
                awaitGone(sql);

                assertThrows(TimeoutExpired.class,
                        () -> Green.withTimeout(Duration.ofMillis(300), () -> query(pool, "SELECT 1 FROM pg_sleep(5)")));
                assertEquals(45, query(pool, "SELECT 45"));
                String sql2 = "SELECT 8 FROM pg_sleep(5) /* kill-green-sockets-pool */";
                killMidQuery(sql2, () -> query(pool, sql2));
                assertEquals(46, query(pool, "SELECT 46"));
                assertFalse(Thread.currentThread().isInterrupted());
            });
        } finally {
            closeAll(pool);
        }
    }

    @Test
    void aTransactionKilledMidwayLeavesNoneOfItsRows() throws Exception {
        try (HikariDataSource ds = hikari(2)) {
            Green.run(() -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS killed_tx (id int)");
                    s.execute("TRUNCATE killed_tx");
                }
                String sleep = "SELECT pg_sleep(5) /* killed-tx */";
                killMidQuery(sleep, () -> {
                    try (Connection c = ds.getConnection()) {
                        c.setAutoCommit(false);
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO killed_tx SELECT generate_series(1, 100)");
                            s.execute(sleep);
                            s.execute("INSERT INTO killed_tx SELECT generate_series(101, 200)");
                        }
                        c.commit();
                    }
                    return 0L;
                });
                awaitGone(sleep); // the backend saw its client go and rolled back
                assertEquals(0, query(ds, "SELECT count(*) FROM killed_tx"));
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE killed_tx");
                }
            });
        }
    }

    @Test
    void severalHubsOneAfterAnotherEachRunQueries() throws Exception {
        try (HikariDataSource ds = hikari(5)) {
            ResourcePool<Connection> pool = resourcePool(5);
            try {
                for (int round = 0; round < 3; round++) {
                    int r = round;
                    Green.run(() -> {
                        List<GreenThread<Long>> threads = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            long n = r * 100L + i;
                            threads.add(Green.spawn(() -> query(ds, "SELECT " + n + " FROM pg_sleep(0.01)")));
                            threads.add(Green.spawn(() -> query(pool, "SELECT " + n + " FROM pg_sleep(0.01)")));
                        }
                        for (int i = 0; i < threads.size(); i++) {
                            assertEquals(r * 100L + i / 2, threads.get(i).await());
                        }
                    });
                }
            } finally {
                closeAll(pool);
            }
        }
    }

    /** A driver call that blocks the hub's carrier: a read of a pipe (file I/O, as native code would block). */
    interface BlockingDriver {
        String call() throws IOException;
    }

    static BlockingDriver pipeReader() {
        return () -> {
            Process p = new ProcessBuilder("sh", "-c", "sleep 0.3; echo done").start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                return r.readLine();
            } finally {
                p.destroy();
            }
        };
    }

    @Test
    void tpoolRunsACallThatBlocksTheHub() throws Exception {
        Green.run(() -> {
            BlockingDriver driver = pipeReader();
            Ticker ticker = new Ticker();
            assertEquals("done", Tpool.execute(driver::call));
            int afterExecute = ticker.ticks();
            BlockingDriver proxied = Tpool.proxy(driver, BlockingDriver.class);
            assertEquals("done", proxied.call());
            int afterProxy = ticker.ticks() - afterExecute;
            ticker.stop();
            // the hub ran the ticker while each call blocked a pool thread for 0.3 s
            assertTrue(afterExecute >= 5, "ticks during Tpool.execute: " + afterExecute);
            assertTrue(afterProxy >= 5, "ticks during the Tpool.proxy call: " + afterProxy);
        });
    }
}
