package org.greenhub.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.greenhub.Green;
import org.greenhub.GreenThread;

/**
 * Queries per second and client CPU per query for {@code clients} concurrent clients,
 * each running {@code SELECT 1} again and again through one HikariCP pool of
 * {@code poolSize} pgjdbc connections to a PostgreSQL server, in one of three ways:
 * <ul>
 * <li>{@code greenhub}: a green thread per client, all on one hub ({@code Green.run});
 *     the driver's socket waits park the green thread through the JDK's pollers.</li>
 * <li>{@code greenhub-2hubs}: the same on a group of two hubs ({@code Hubs.group(2)}),
 *     half the clients on each: as many carrier threads as the default scheduler's on
 *     two cores.</li>
 * <li>{@code vthreads}: a JDK virtual thread per client, the default scheduler.</li>
 * <li>{@code platform}: a fixed pool of {@code poolSize} platform threads; each client
 *     is a task that runs one query and submits itself again (a closed loop of
 *     {@code clients} requests queued on the pool).</li>
 * </ul>
 * Each run warms up for {@code warmup} seconds, then measures for {@code seconds}:
 * queries completed, and the process's CPU time (all its threads: the hub or
 * carriers, the JDK's pollers, HikariCP's housekeeping, GC and JIT) divided by them.
 * Prints one line: {@code variant=... qps=... cpu_us_per_query=...}
 * ({@code -Djdbcbench.threads=true}: first the CPU per query of each platform thread
 * that used more than 1% of it). {@code greenhub-rp} uses greenhub's
 * {@code ResourcePool} of {@code poolSize} connections instead of HikariCP;
 * {@code -patched} variants call {@code Green.patch()} first. Run each variant in
 * a fresh JVM ({@code ci/bench-jdbc} alternates them over several rounds):
 * {@code java <flags> -cp benchmarks.jar org.greenhub.bench.JdbcBench VARIANT JDBC_URL [seconds] [warmup] [clients] [poolSize]}.
 */
public final class JdbcBench {
    private JdbcBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: JdbcBench greenhub|vthreads|platform JDBC_URL [seconds] [warmup] [clients] [poolSize]");
            System.exit(2);
        }
        String variant = args[0];
        String url = args[1];
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 5;
        int clients = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        int poolSize = args.length > 5 ? Integer.parseInt(args[5]) : 20;

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        config.setConnectionTimeout(60_000);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            Run run = new Run(ds, (long) (warmup * 1e9), (long) (seconds * 1e9));
            switch (variant) {
                case "greenhub", "greenhub-patched", "greenhub-rp", "greenhub-rp-patched" -> Green.run(() -> {
                    if (variant.endsWith("-patched")) {
                        Green.patch();
                    }
                    if (variant.startsWith("greenhub-rp")) {
                        run.pool = new org.greenhub.pools.ResourcePool<>(0, poolSize, () -> {
                            try {
                                return new org.postgresql.Driver().connect(url, new java.util.Properties());
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                    }
                    List<GreenThread<Void>> threads = new ArrayList<>(clients);
                    for (int i = 0; i < clients; i++) {
                        threads.add(Green.spawn(run::loop));
                    }
                    run.measure();
                    for (GreenThread<Void> t : threads) {
                        t.await();
                    }
                });
                case "greenhub-2hubs" -> {
                    // Hubs.group(2): half the clients on each hub, one HikariCP pool shared
                    try (org.greenhub.hub.HubGroup group = org.greenhub.hub.Hubs.group(2)) {
                        List<GreenThread<Void>> threads = new ArrayList<>(clients);
                        for (int i = 0; i < clients; i++) {
                            threads.add(group.spawn(() -> {
                                run.loop();
                                return null;
                            }));
                        }
                        run.measure();
                        for (GreenThread<Void> t : threads) {
                            t.await();
                        }
                    }
                }
                case "vthreads" -> {
                    List<Thread> threads = new ArrayList<>(clients);
                    for (int i = 0; i < clients; i++) {
                        threads.add(Thread.ofVirtual().start(run::loop));
                    }
                    run.measure();
                    for (Thread t : threads) {
                        t.join();
                    }
                }
                case "platform" -> {
                    ExecutorService pool = Executors.newFixedThreadPool(poolSize);
                    for (int i = 0; i < clients; i++) {
                        pool.execute(new Request(run, pool));
                    }
                    run.measure();
                    pool.shutdown(); // the clients stop resubmitting once the run is over
                    if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the platform pool did not finish");
                    }
                }
                default -> throw new IllegalArgumentException("unknown variant " + variant);
            }
            if (run.failures.get() > 0) {
                throw new IllegalStateException(run.failures.get() + " queries failed");
            }
            double secs = (run.endNanos - run.startNanos) / 1e9;
            long queries = run.measured.get();
            System.out.printf("variant=%s qps=%.0f cpu_us_per_query=%.2f clients=%d pool=%d seconds=%.1f queries=%d%n",
                    variant, queries / secs, run.cpuNanos / 1e3 / queries, clients, poolSize, secs, queries);
        }
    }

    /** The shared clock and counters: queries that end inside [start, end) are measured. */
    static final class Run {
        final HikariDataSource ds;
        final long startNanos;
        final long endNanos;
        final AtomicLong measured = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        volatile org.greenhub.pools.ResourcePool<Connection> pool; // greenhub-rp: instead of HikariCP
        long cpuNanos;

        Run(HikariDataSource ds, long warmupNanos, long nanos) {
            this.ds = ds;
            this.startNanos = System.nanoTime() + warmupNanos;
            this.endNanos = startNanos + nanos;
        }

        /** Sleeps until the measurement starts, reads the process's CPU clock, sleeps until it ends, reads it again. */
        void measure() throws InterruptedException {
            sleepUntil(startNanos);
            java.util.Map<String, Long> threads0 = threadCpu();
            long cpu0 = cpu();
            sleepUntil(endNanos);
            cpuNanos = cpu() - cpu0;
            if (Boolean.getBoolean("jdbcbench.threads")) { // -Djdbcbench.threads=true: CPU per platform thread
                long q = Math.max(1, measured.get());
                threadCpu().forEach((name, ns) -> {
                    long d = ns - threads0.getOrDefault(name, 0L);
                    if (d > cpuNanos / 100) {
                        System.out.printf("  thread %-40s %8.2f us/query%n", name, d / 1e3 / q);
                    }
                });
            }
        }

        /** CPU time of each live platform thread, by name (numbered when names repeat). */
        static java.util.Map<String, Long> threadCpu() {
            java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
            for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (info != null) {
                    String name = info.getThreadName() + "#" + info.getThreadId();
                    cpu.put(name, Math.max(0, mx.getThreadCpuTime(info.getThreadId())));
                }
            }
            return cpu;
        }

        static void sleepUntil(long deadline) throws InterruptedException {
            long now;
            while ((now = System.nanoTime()) - deadline < 0) {
                long ms = Math.max(1, (deadline - now) / 1_000_000);
                if (Green.current() != null) {
                    Green.sleep(ms);
                } else {
                    Thread.sleep(ms);
                }
            }
        }

        static long cpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        /** One query; counted when it ends inside the measurement. Returns false once the run is over. */
        boolean query() {
            if (pool != null) {
                Connection c = pool.get();
                try {
                    select1(c);
                    pool.put(c);
                } catch (SQLException | RuntimeException e) {
                    pool.discard(c);
                    failures.incrementAndGet();
                }
            } else {
                try (Connection c = ds.getConnection()) {
                    select1(c);
                } catch (SQLException e) {
                    failures.incrementAndGet();
                }
            }
            long now = System.nanoTime();
            if (now - startNanos >= 0 && now - endNanos < 0) {
                measured.incrementAndGet();
            }
            return now - endNanos < 0;
        }

        static void select1(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT 1"); ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new IllegalStateException("SELECT 1 did not return 1");
                }
            }
        }

        void loop() {
            while (query()) {
                // again
            }
        }
    }

    /** A client of the platform variant: one query per turn on a pool thread, then back in the queue. */
    static final class Request implements Runnable {
        final Run run;
        final ExecutorService pool;

        Request(Run run, ExecutorService pool) {
            this.run = run;
            this.pool = pool;
        }

        @Override
        public void run() {
            if (run.query()) {
                try {
                    pool.execute(this);
                } catch (java.util.concurrent.RejectedExecutionException over) {
                    // shut down as the run ended
                }
            }
        }
    }
}
