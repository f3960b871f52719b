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
 * <p>Blocking calls park a green thread, and its hub runs the other green threads
 * meanwhile; called from a plain (non-green) thread they block only that thread. A
 * green thread that is killed while it waits gets {@link GreenThreadExit} (or the
 * exception given to {@code kill}); a {@link Timeout} that fires gets
 * {@link TimeoutExpired}; a thread interrupted while it waits gets a
 * {@link GreenException} whose cause is an InterruptedException, its interrupt
 * status staying set. Errors of background work (a spawnN body, a handler of
 * {@link #serve}) are logged through System.Logger {@code org.greenhub}, never printed.
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
    private static final Object SLEEP = new Object() {
        @Override
        public String toString() {
            return "sleep"; // what Debug.dumpGreenThreads() says a sleeping green thread waits on
        }
    };
    private static final System.Logger LOG = System.getLogger("org.greenhub");

    private Green() {
    }

    // ---- running ------------------------------------------------------------------

    /**
     * Starts a hub on the calling thread, runs {@code main} as a green thread and
     * returns its result or rethrows its exception (unchecked as is, checked wrapped
     * in {@link GreenException}). The calling thread runs the hub until {@code main}
     * ends. Green threads still alive then are killed with {@link GreenThreadExit} and
     * given a turn to unwind; those that have not started never run, and those that
     * catch the exit and block again stay parked for good. The hub is closed before
     * this method returns.
     *
     * @param <T> the type of the result
     * @param main the body of the main green thread
     * @return what {@code main} returned
     * @throws NullPointerException if {@code main} is null
     * @throws IllegalStateException if called from a green thread (use {@link #spawn});
     *         or if the hub selected by {@code greenhub.hub} / {@code GREENHUB_HUB} cannot run here
     * @throws java.io.UncheckedIOException if the hub cannot be opened
     * @throws GreenException wrapping a checked exception thrown by {@code main}
     * @throws GreenThreadExit if {@code main} was killed
     * @throws RuntimeException any unchecked exception (or error) thrown by {@code main}, as is
     */
    public static <T> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        if (Strand.currentGreen() != null) {
            throw new IllegalStateException("Green.run inside a green thread would block its hub: use Green.spawn");
        }
        HubLoop hub = HubKinds.open();
        try {
            GreenThread<T> g = new GreenThread<>(hub, main);
            g.start();
            hub.loop(g::isDone);
            // Kill what is left, let it unwind, and leave what refuses to die parked.
            hub.killAllAndDrain(GreenThreadExit::new);
            return g.await();
        } finally {
            hub.close();
        }
    }

    /**
     * {@link #run(Callable)} for a body without a result.
     *
     * @param main the body of the main green thread
     * @throws NullPointerException if {@code main} is null
     * @throws IllegalStateException if called from a green thread, or the selected hub cannot run here
     * @throws java.io.UncheckedIOException if the hub cannot be opened
     * @throws GreenException wrapping a checked exception thrown by {@code main}
     * @throws GreenThreadExit if {@code main} was killed
     * @throws RuntimeException any unchecked exception (or error) thrown by {@code main}, as is
     */
    public static void run(GreenRunnable main) {
        run(callable(main));
    }

    // ---- spawning -----------------------------------------------------------------

    /**
     * Schedules {@code fn} as a new green thread on the caller's hub; it starts at the
     * caller's next blocking point or yield. From a plain thread it runs on the default
     * hub (one shared daemon hub thread, started on first use). Never blocks.
     *
     * @param <T> the type of the result
     * @param fn the body; its result or exception is what {@link GreenThread#await()} gives
     * @return the new green thread
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalStateException if the default hub has to be started and the selected hub cannot run here
     */
    public static <T> GreenThread<T> spawn(Callable<T> fn) {
        GreenThread<T> g = new GreenThread<>(HubLoop.current(), Objects.requireNonNull(fn, "fn"));
        g.start();
        return g;
    }

    /**
     * {@link #spawn(Callable)} for a body without a result.
     *
     * @param fn the body
     * @return the new green thread; its {@code await()} returns null
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalStateException if the default hub has to be started and the selected hub cannot run here
     */
    public static GreenThread<Void> spawn(GreenRunnable fn) {
        GreenThread<Void> g = new GreenThread<>(HubLoop.current(), Objects.requireNonNull(fn, "fn"), false, null);
        g.start();
        return g;
    }

    /**
     * Like {@link #spawn(GreenRunnable)} without a handle. An exception escaping
     * {@code fn} (other than {@link GreenThreadExit}) is logged once with its stack
     * (System.Logger {@code org.greenhub}, ERROR) and the hub goes on. Never blocks.
     *
     * @param fn the body
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalStateException if the default hub has to be started and the selected hub cannot run here
     */
    public static void spawnN(GreenRunnable fn) {
        GreenThread.spawnN(HubLoop.current(), Objects.requireNonNull(fn, "fn"), null);
    }

    /**
     * Schedules {@code fn} as a new green thread on the caller's hub (a plain thread:
     * the default hub) that starts after {@code delay}; {@link GreenThread#cancel()}
     * or {@code kill()} before then means it never runs. Never blocks.
     *
     * @param <T> the type of the result
     * @param delay how long until it starts: zero or negative at the hub's next pass;
     *              2^62 ns (about 146 years) or more never
     * @param fn the body
     * @return the new green thread, not started yet
     * @throws NullPointerException if {@code delay} or {@code fn} is null
     * @throws IllegalStateException if the default hub has to be started and the selected hub cannot run here
     */
    public static <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> fn) {
        Objects.requireNonNull(delay, "delay");
        GreenThread<T> g = new GreenThread<>(HubLoop.current(), Objects.requireNonNull(fn, "fn"));
        g.startAfter(delay);
        return g;
    }

    // ---- yielding -----------------------------------------------------------------

    /**
     * Yields: every other runnable green thread of the hub gets a turn, then the caller
     * resumes (eventlet.sleep(0)). On a plain thread: {@link Thread#yield()}. A pending
     * kill or fired {@link Timeout} of the caller is thrown here.
     *
     * @throws GreenThreadExit if the calling green thread has been killed
     * @throws TimeoutExpired if a {@link Timeout} of the caller has fired
     */
    public static void sleep() {
        Parking.checkPending();
        Thread.yield();
        Parking.checkPending();
    }

    /**
     * Sleeps for {@code d}: a green thread parks and its hub runs the others
     * meanwhile; a plain thread sleeps.
     *
     * @param d how long: null, zero or negative behaves as {@link #sleep()} (a yield);
     *          2^62 ns (about 146 years) or more sleeps until killed, timed out or interrupted
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
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

    /**
     * Sleeps for {@code millis} milliseconds, as {@link #sleep(Duration)}.
     *
     * @param millis how long; zero or negative behaves as {@link #sleep()} (a yield)
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public static void sleep(long millis) {
        sleep(Duration.ofMillis(millis));
    }

    /**
     * The running green thread.
     *
     * @return the current green thread, or null on a plain thread
     */
    public static GreenThread<?> current() {
        return GreenThread.current();
    }

    /**
     * The hub of the current thread, as {@link Hub#current()}.
     *
     * @return a green thread's hub; on a plain thread the default hub (started on first use)
     * @throws IllegalStateException if the default hub has to be started and the selected hub cannot run here
     */
    public static Hub hub() {
        return Hub.current();
    }

    // ---- sockets ------------------------------------------------------------------

    /**
     * eventlet.listen: a socket bound to {@code addr}, listening, with SO_REUSEADDR set
     * (backlog 50); see {@link GreenServerSocket#bind(InetSocketAddress, int, boolean)}.
     *
     * @param addr the address to bind (port 0: any free port); an unresolved one is resolved first
     * @return the listening socket
     * @throws NullPointerException if {@code addr} is null
     * @throws java.net.UnknownHostException if {@code addr} is unresolved and its host cannot be resolved
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be created, bound or put to listen
     */
    public static GreenServerSocket listen(InetSocketAddress addr) throws IOException {
        return listen(addr, 50);
    }

    /**
     * eventlet.listen with a backlog; see {@link GreenServerSocket#bind(InetSocketAddress, int, boolean)}.
     *
     * @param addr the address to bind (port 0: any free port); an unresolved one is resolved first
     * @param backlog the length of the queue of pending connections (the OS may cap it)
     * @return the listening socket
     * @throws NullPointerException if {@code addr} is null
     * @throws IllegalArgumentException if {@code backlog} is negative
     * @throws java.net.UnknownHostException if {@code addr} is unresolved and its host cannot be resolved
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be created, bound or put to listen
     */
    public static GreenServerSocket listen(InetSocketAddress addr, int backlog) throws IOException {
        return GreenServerSocket.bind(addr, backlog, false);
    }

    /**
     * eventlet.listen; {@code reusePort} sets SO_REUSEPORT so that one listener per hub
     * can share the port. See {@link GreenServerSocket#bind(InetSocketAddress, int, boolean)}.
     *
     * @param addr the address to bind (port 0: any free port); an unresolved one is resolved first
     * @param backlog the length of the queue of pending connections (the OS may cap it)
     * @param reusePort whether to set SO_REUSEPORT before binding
     * @return the listening socket
     * @throws NullPointerException if {@code addr} is null
     * @throws IllegalArgumentException if {@code backlog} is negative
     * @throws UnsupportedOperationException if {@code reusePort} and the platform lacks SO_REUSEPORT (nio hub)
     * @throws java.net.UnknownHostException if {@code addr} is unresolved and its host cannot be resolved
     * @throws java.net.BindException if the address is in use or not local
     * @throws IOException if the socket cannot be created, bound or put to listen
     */
    public static GreenServerSocket listen(InetSocketAddress addr, int backlog, boolean reusePort) throws IOException {
        return GreenServerSocket.bind(addr, backlog, reusePort);
    }

    /**
     * eventlet.connect: {@link GreenSocket#connect(InetSocketAddress)}. Waits, without
     * a limit of its own, as long as the operating system lets the connect take.
     *
     * @param addr the peer; an unresolved one is resolved first (from a green thread on a
     *             {@link Tpool} thread, so that the hub goes on)
     * @return the connected socket, with no timeout set
     * @throws NullPointerException if {@code addr} is null
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws java.net.ConnectException if the connection is refused or the OS gives up on it
     * @throws IOException for other failures ({@link java.net.NoRouteToHostException}, ...)
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public static GreenSocket connect(InetSocketAddress addr) throws IOException {
        return GreenSocket.connect(addr);
    }

    /**
     * eventlet.connect to {@code host:port}: {@link #connect(InetSocketAddress)}.
     *
     * @param host a host name or address literal, resolved first (from a green thread
     *             on a {@link Tpool} thread)
     * @param port the port, 0 to 65535
     * @return the connected socket, with no timeout set
     * @throws IllegalArgumentException if {@code host} is null or {@code port} is out of range
     * @throws java.net.UnknownHostException if the host cannot be resolved
     * @throws java.net.ConnectException if the connection is refused or the OS gives up on it
     * @throws IOException for other failures ({@link java.net.NoRouteToHostException}, ...)
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public static GreenSocket connect(String host, int port) throws IOException {
        return GreenSocket.connect(new InetSocketAddress(host, port));
    }

    /**
     * {@link #serve(GreenServerSocket, SocketHandler, int)} with at most 1000 connections at once.
     *
     * @param server the listening socket; not closed by this method
     * @param handle handles each connection in its own green thread
     * @throws NullPointerException if {@code server} or {@code handle} is null
     * @throws IOException never in this implementation (accept errors are logged and retried)
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public static void serve(GreenServerSocket server, SocketHandler handle) throws IOException {
        serve(server, handle, 1000);
    }

    /**
     * eventlet.serve: accepts connections and handles each in its own green thread,
     * at most {@code concurrency} at once (at the limit it stops accepting until one
     * ends). Each connection is closed when its handler returns or throws. A handler
     * that throws {@link StopServe} ends the loop and serve returns; any other
     * exception is logged (System.Logger {@code org.greenhub}, ERROR) and serving goes
     * on. Serve also returns when the server socket is closed. Accept errors such as
     * too many open files are logged once and back off (10 ms doubling to 1 s) instead
     * of spinning; an accept timeout set on {@code server} just makes it accept again.
     * Handlers still running when serve returns go on; serve does not wait for them
     * and does not close {@code server}.
     *
     * <p>The calling green thread parks in accept between connections and its hub runs
     * the handlers, which run on the caller's hub (a plain caller: the default hub).
     *
     * @param server the listening socket
     * @param handle handles each connection in its own green thread
     * @param concurrency the most handlers running at once, at least 1
     * @throws NullPointerException if {@code server} or {@code handle} is null
     * @throws IllegalArgumentException if {@code concurrency} is below 1
     * @throws IOException never in this implementation (accept errors are logged and retried)
     * @throws GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@link Timeout} of the caller fires while it waits
     * @throws GreenException if the calling thread is interrupted while it waits (the
     *         cause is an InterruptedException; the interrupt status stays set)
     */
    public static void serve(GreenServerSocket server, SocketHandler handle, int concurrency) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(handle, "handle");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency < 1: " + concurrency + " (the server could never serve)");
        }
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
     * sockets and NIO channels are not affected; sockets created earlier stay as they
     * are. See {@link org.greenhub.green.Socket} for how green java.net sockets differ;
     * like the JDK's, one whose read or write a kill or {@link Timeout} ends is closed,
     * and the call throws a SocketException (a driver's connection is then dropped by
     * its pool, not reused in the middle of its protocol).
     *
     * @throws IllegalStateException if another socket factory was installed first
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

    /**
     * Whether {@link #patch()} has succeeded.
     *
     * @return true once java.net sockets are green
     */
    public static boolean isPatched() {
        return patched;
    }

    // ---- timeouts -----------------------------------------------------------------

    /**
     * Runs {@code fn} in the calling thread under a {@link Timeout} of {@code d}, which
     * is cancelled when {@code fn} ends. The timeout fires at {@code fn}'s first
     * blocking point after {@code d}, or interrupts the JDK blocking call {@code fn}
     * waits in (see {@link Timeout}); code that does not block runs on.
     *
     * <p>Once the timeout has fired, {@code fn} ends with its TimeoutExpired whatever
     * the code in between made of it: if {@code fn} throws another exception (a JDBC
     * driver's SQLException wrapping the interrupt that ended its socket read), this
     * throws the TimeoutExpired with that exception as its cause (as suppressed, when
     * that exception already has the TimeoutExpired among its causes); if {@code fn} returns
     * after the timeout interrupted a JDK call, it throws the TimeoutExpired too. The
     * calling thread's interrupt status is cleared then.
     *
     * @param <T> the type of the result
     * @param d the timeout, as for {@link Timeout#start(Duration)}: null none, zero or
     *          negative fires at the first blocking point
     * @param fn the code to run
     * @return what {@code fn} returned
     * @throws TimeoutExpired if the timeout fires (and {@code fn} does not catch it and
     *         return without a JDK call interrupted)
     * @throws NullPointerException if {@code fn} is null
     * @throws GreenException wrapping a checked exception thrown by {@code fn}
     * @throws RuntimeException any unchecked exception (or error) thrown by {@code fn}, as is
     */
    public static <T> T withTimeout(Duration d, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        Timeout t = Timeout.start(d);
        T r;
        try {
            r = fn.call();
        } catch (Error e) {
            t.cancel();
            throw e;
        } catch (Exception e) {
            throw GreenException.rethrow(t.settle(e));
        }
        t.close();
        return r;
    }

    /**
     * Runs {@code fn} in the calling thread under a {@link Timeout} of {@code d};
     * returns {@code onTimeout} when that timeout fires and {@code fn} ends with its
     * TimeoutExpired, or with any exception once the timeout has fired, or returns after
     * the timeout interrupted a JDK call (as for {@link #withTimeout(Duration, Callable)}).
     * Other TimeoutExpired exceptions (an outer Timeout, a timed wait) propagate.
     *
     * @param <T> the type of the result
     * @param d the timeout, as for {@link Timeout#start(Duration)}
     * @param fn the code to run
     * @param onTimeout what to return when the timeout fires
     * @return what {@code fn} returned, or {@code onTimeout}
     * @throws NullPointerException if {@code fn} is null
     * @throws GreenException wrapping a checked exception thrown by {@code fn}
     * @throws RuntimeException any unchecked exception (or error) thrown by {@code fn}, as is
     */
    public static <T> T withTimeout(Duration d, Callable<T> fn, T onTimeout) {
        Objects.requireNonNull(fn, "fn");
        Timeout t = Timeout.start(d);
        T r;
        try {
            r = fn.call();
        } catch (Error e) {
            t.cancel();
            throw e;
        } catch (Exception e) {
            Throwable out = t.settle(e);
            if (out instanceof TimeoutExpired te && te.timeout() == t) {
                return onTimeout;
            }
            throw GreenException.rethrow(out);
        }
        try {
            t.close();
        } catch (TimeoutExpired e) {
            return onTimeout;
        }
        return r;
    }

    static Callable<Void> callable(GreenRunnable r) {
        Objects.requireNonNull(r, "fn");
        return () -> {
            r.run();
            return null;
        };
    }
}
