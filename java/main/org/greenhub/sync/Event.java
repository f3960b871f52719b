package org.greenhub.sync;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import org.greenhub.GreenException;
import org.greenhub.TimeoutExpired;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Waiter;

/**
 * eventlet.event.Event: a one-shot value (or exception) that any number of threads
 * await. {@link #send} wakes every waiter and never yields the sender; a waiter
 * woken by a send gets that send's value even if the event is reset meanwhile.
 *
 * <p>Awaiting parks a green thread, and its hub runs the others meanwhile; a plain
 * thread blocks only itself. Works across hubs and from plain threads.
 *
 * @param <T> the type of the value
 */
public class Event<T> {
    private boolean sent;
    private T value;
    private Throwable failure;
    private final ArrayDeque<Waiter<Outcome<T>>> waiters = new ArrayDeque<>(); // guarded by this

    /** What a send hands each waiter, so that a reset after it cannot take it back. */
    private record Outcome<T>(T value, Throwable failure) {
    }

    private final Waiter.Exit<Outcome<T>> exit = new Waiter.Exit<>() {
        @Override
        public void abandoned(Waiter<Outcome<T>> w) {
            waiters.remove(w);
        }

        @Override
        public void servedButThrowing(Waiter<Outcome<T>> w) {
            // every waiter gets the outcome: nothing to pass on
        }
    };

    /** An event not sent yet. */
    public Event() {
    }

    /**
     * Sets the value and wakes every waiter. Never blocks or yields.
     *
     * @param value the value (may be null)
     * @throws IllegalStateException if already sent (until {@link #reset()})
     */
    public void send(T value) {
        complete(value, null);
    }

    /**
     * Makes every {@link #await} throw {@code t}: unchecked exceptions and errors as
     * they are (the same instance in every waiter), checked ones wrapped in a
     * {@link GreenException}. Wakes every waiter; never blocks or yields.
     *
     * @param t the exception
     * @throws NullPointerException if {@code t} is null
     * @throws IllegalStateException if already sent (until {@link #reset()})
     */
    public void sendException(Throwable t) {
        complete(null, Objects.requireNonNull(t, "exception"));
    }

    private synchronized void complete(T v, Throwable f) {
        if (sent) {
            throw new IllegalStateException("event already sent; reset() it first");
        }
        sent = true;
        value = v;
        failure = f;
        Outcome<T> outcome = new Outcome<>(v, f);
        for (Waiter<Outcome<T>> w; (w = waiters.pollFirst()) != null; ) {
            w.serve(outcome);
        }
    }

    /**
     * Waits until the event is sent (no time limit; use a {@code Timeout}); returns the
     * value or throws the sent exception. Returns at once if it is sent already.
     *
     * @return the value sent
     * @throws RuntimeException the exception sent, if unchecked (errors too)
     * @throws GreenException wrapping the exception sent, if checked; or if the calling
     *         thread is interrupted while it waits (the cause is an InterruptedException;
     *         the interrupt status stays set)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     * @throws TimeoutExpired if a {@code Timeout} of the caller fires while it waits
     */
    public T await() {
        return await((Duration) null);
    }

    /**
     * Like {@link #await()}, waiting at most {@code timeout}.
     *
     * @param timeout null, or 2^62 ns (about 146 years) or more: no limit; zero or
     *                negative: no waiting, only an event sent already
     * @return the value sent
     * @throws TimeoutExpired if the timeout passes first (its {@code timeout()} is null);
     *         or if a {@code Timeout} of the caller fires while it waits
     * @throws RuntimeException the exception sent, if unchecked (errors too)
     * @throws GreenException wrapping the exception sent, if checked; or if the calling
     *         thread is interrupted while it waits (the cause is an InterruptedException;
     *         the interrupt status stays set)
     * @throws org.greenhub.GreenThreadExit if the calling green thread is killed while it waits
     */
    public T await(Duration timeout) {
        long deadline = Parking.deadline(timeout);
        Waiter<Outcome<T>> w;
        synchronized (this) {
            if (sent) {
                return result(value, failure);
            }
            w = new Waiter<>();
            waiters.addLast(w);
        }
        if (!w.await(this, deadline, exit)) {
            throw new TimeoutExpired(null);
        }
        return result(w.item().value(), w.item().failure());
    }

    private static <T> T result(T v, Throwable f) {
        if (f == null) {
            return v;
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new GreenException(f);
    }

    /**
     * Whether a value or exception has been sent (and not reset).
     *
     * @return true if {@link #await()} would return or throw at once
     */
    public synchronized boolean ready() {
        return sent;
    }

    /** Makes the event fresh again so that it can be sent once more; threads already waiting keep waiting for the next send. */
    public synchronized void reset() {
        sent = false;
        value = null;
        failure = null;
    }
}
