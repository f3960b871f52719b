package org.greenhub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.greenhub.hub.Hub;
import org.greenhub.internal.hub.HubKinds;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Strand;
import org.greenhub.net.GreenServerSocket;
import org.greenhub.net.GreenSocket;

/**
 * The {@code import eventlet} facade: run a hub, spawn green threads, sleep, time out.
 *
 * <pre>{@code
 * Green.run(() -> {
 *     GreenThread<String> t = Green.spawn(() -> "hello");
 *     Green.sleep(Duration.ofMillis(10));
 *     return t.await();
 * });
 * }</pre>
 */
public final class Green {
    private static final Object SLEEP = new Object();
    private static final System.Logger LOG = System.getLogger("org.greenhub");

    private Green() {
    }

    // ---- running ------------------------------------------------------------------

    /**
     * Starts a hub on the calling thread, runs {@code main} as a green thread and
     * returns its result or rethrows its exception (unchecked as is, checked wrapped
     * in {@link GreenException}). Green threads still alive when {@code main} ends are killed.
     */
    public static <T> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        if (Strand.currentGreen() != null) {
            throw new IllegalStateException("Green.run inside a green thread would block its hub: use Green.spawn");
        }
        HubLoop hub = HubKinds.open();
        try {
            GreenThread<T> g = new GreenThread<>(hub, main, false);
            g.start();
            hub.loop(g::isDone);
            // Kill what is left, let it unwind, and leave what refuses to die parked.
            hub.stop();
            for (Strand s : hub.liveStrands()) {
                s.deliver(new GreenThreadExit(), true);
            }
            hub.loop(() -> !hub.hasRunnableWork());
            return g.await();
        } finally {
            hub.close();
        }
    }

    /** {@link #run(Callable)} for a body without a result. */
    public static void run(GreenRunnable main) {
        run(callable(main));
    }

    // ---- spawning -----------------------------------------------------------------

    /**
     * Schedules {@code fn} as a new green thread; it starts at the caller's next
     * yield. Outside any hub it runs on the default hub.
     */
    public static <T> GreenThread<T> spawn(Callable<T> fn) {
        GreenThread<T> g = new GreenThread<>(HubLoop.current(), Objects.requireNonNull(fn, "fn"), false);
        g.start();
        return g;
    }

    /** {@link #spawn(Callable)} for a body without a result. */
    public static GreenThread<Void> spawn(GreenRunnable fn) {
        return spawn(callable(fn));
    }

    /**
     * Like spawn without a handle. An exception escaping {@code fn} is printed
     * once with its stack and the hub goes on.
     */
    public static void spawnN(GreenRunnable fn) {
        new GreenThread<>(HubLoop.current(), callable(fn), true).start();
    }

    /** Starts {@code fn} after {@code delay}; {@code cancel()} before then means it never runs. */
    public static <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> fn) {
        Objects.requireNonNull(delay, "delay");
        GreenThread<T> g = new GreenThread<>(HubLoop.current(), Objects.requireNonNull(fn, "fn"), false);
        g.startAfter(delay);
        return g;
    }

    // ---- yielding -----------------------------------------------------------------

    /** Yields: every other runnable green thread gets a turn, then the caller resumes. */
    public static void sleep() {
        Parking.checkPending();
        Thread.yield();
        Parking.checkPending();
    }

    /** Sleeps for {@code d} (green threads yield meanwhile; a plain thread just sleeps). */
    public static void sleep(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            sleep();
            return;
        }
        long deadline = Parking.deadline(d);
        Strand me = Strand.current();
        while (Parking.park(me, SLEEP, deadline)) {
            // woken early (a stray unpark): sleep on
        }
    }

    /** Sleeps for {@code millis} milliseconds. */
    public static void sleep(long millis) {
        sleep(Duration.ofMillis(millis));
    }

    /** The running green thread, or null on a plain thread. */
    public static GreenThread<?> current() {
        return GreenThread.current();
    }

    /** The hub of the current thread (on a plain thread: the default hub). */
    public static Hub hub() {
        return Hub.current();
    }

    // ---- sockets ------------------------------------------------------------------

    /** eventlet.listen: a socket bound to {@code addr}, listening, with SO_REUSEADDR set (backlog 50). */
    public static GreenServerSocket listen(InetSocketAddress addr) throws IOException {
        return listen(addr, 50);
    }

    /** eventlet.listen with a backlog. */
    public static GreenServerSocket listen(InetSocketAddress addr, int backlog) throws IOException {
        return GreenServerSocket.bind(addr, backlog, false);
    }

    /** eventlet.listen; {@code reusePort} sets SO_REUSEPORT so that one listener per hub can share the port. */
    public static GreenServerSocket listen(InetSocketAddress addr, int backlog, boolean reusePort) throws IOException {
        return GreenServerSocket.bind(addr, backlog, reusePort);
    }

    /** eventlet.connect. */
    public static GreenSocket connect(InetSocketAddress addr) throws IOException {
        return GreenSocket.connect(addr);
    }

    /** eventlet.connect to {@code host:port}. */
    public static GreenSocket connect(String host, int port) throws IOException {
        return GreenSocket.connect(new InetSocketAddress(host, port));
    }

    /** {@link #serve(GreenServerSocket, SocketHandler, int)} with at most 1000 connections at once. */
    public static void serve(GreenServerSocket server, SocketHandler handle) throws IOException {
        serve(server, handle, 1000);
    }

    /**
     * eventlet.serve: accepts connections and handles each in its own green thread,
     * at most {@code concurrency} at once (at the limit it stops accepting until one
     * ends). Each connection is closed when its handler returns or throws. A handler
     * that throws {@link StopServe} ends the loop and serve returns; any other
     * exception is printed once and serving goes on. Serve also returns when the
     * server socket is closed. Accept errors such as too many open files back off
     * (10 ms doubling to 1 s) instead of spinning.
     */
    public static void serve(GreenServerSocket server, SocketHandler handle, int concurrency) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(handle, "handle");
        Strand me = Strand.current();
        StopServe[] stop = new StopServe[1]; // the first StopServe a handler threw, guarded by itself
        GreenPool pool = new GreenPool(concurrency);
        long backoffMillis = 0;
        try {
            while (server.isOpen()) {
                GreenSocket client;
                try {
                    client = server.accept();
                    backoffMillis = 0;
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    }
                    backoffMillis = backoffMillis == 0 ? 10 : Math.min(1000, backoffMillis * 2);
                    if (backoffMillis == 10) {
                        LOG.log(System.Logger.Level.ERROR, "accept failed on " + server + "; backing off", e);
                    }
                    sleep(backoffMillis);
                    continue;
                }
                pool.spawnN(() -> {
                    try (client) {
                        handle.handle(client);
                    } catch (StopServe s) {
                        synchronized (stop) {
                            if (stop[0] == null) {
                                stop[0] = s;
                                me.deliver(s, false); // thrown in the accept loop at its blocking point
                            }
                        }
                    } catch (GreenThreadExit killed) {
                        throw killed; // not a handler failure: the thread was killed
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.ERROR, "connection handler failed for " + client, t);
                    }
                });
            }
        } catch (StopServe s) {
            // a handler asked the loop to end
        } finally {
            synchronized (stop) {
                if (stop[0] == null) {
                    stop[0] = new StopServe(); // later StopServes are not delivered
                } else {
                    me.withdraw(stop[0]);      // delivered but not thrown: the loop ended otherwise
                }
            }
        }
    }

    // ---- monkeypatching -----------------------------------------------------------

    private static volatile boolean patched;

    /**
     * From now on every {@code java.net.Socket} and {@code java.net.ServerSocket}
     * created in this JVM runs on green sockets (eventlet's monkeypatching of socket):
     * in a green thread their blocking calls yield to the hub. Idempotent. Datagram
     * sockets and NIO channels are not affected. Fails when another socket factory
     * was installed first.
     */
    @SuppressWarnings("deprecation") // the factories are the JDK's supported hook for this
    public static synchronized void patch() {
        if (patched) {
            return;
        }
        try {
            java.net.Socket.setSocketImplFactory(org.greenhub.green.Socket::newImpl);
            java.net.ServerSocket.setSocketFactory(org.greenhub.green.Socket::newImpl);
        } catch (IOException e) {
            throw new IllegalStateException("cannot patch java.net sockets: " + e.getMessage(), e);
        }
        patched = true;
    }

    /** Whether {@link #patch()} was called. */
    public static boolean isPatched() {
        return patched;
    }

    // ---- timeouts -----------------------------------------------------------------

    /** Runs {@code fn} under a {@link Timeout} of {@code d}; throws {@link TimeoutExpired} when it fires. */
    public static <T> T withTimeout(Duration d, Callable<T> fn) {
        Timeout t = Timeout.start(d);
        try {
            return fn.call();
        } catch (Exception e) {
            throw GreenException.rethrow(e);
        } finally {
            t.cancel();
        }
    }

    /** Runs {@code fn} under a {@link Timeout} of {@code d}; returns {@code onTimeout} when that timeout fires. */
    public static <T> T withTimeout(Duration d, Callable<T> fn, T onTimeout) {
        Timeout t = Timeout.start(d);
        try {
            return fn.call();
        } catch (TimeoutExpired e) {
            if (e.timeout() == t) {
                return onTimeout;
            }
            throw e;
        } catch (Exception e) {
            throw GreenException.rethrow(e);
        } finally {
            t.cancel();
        }
    }

    static Callable<Void> callable(GreenRunnable r) {
        Objects.requireNonNull(r, "fn");
        return () -> {
            r.run();
            return null;
        };
    }
}
