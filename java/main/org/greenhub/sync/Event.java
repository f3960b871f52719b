package org.greenhub.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import org.greenhub.GreenException;
import org.greenhub.TimeoutExpired;
import org.greenhub.internal.hub.Parking;
import org.greenhub.internal.hub.Strand;

/**
 * eventlet.event.Event: a one-shot value (or exception) that any number of threads
 * await. {@link #send} wakes every waiter and never yields the sender; a waiter
 * woken by a send gets that send's value even if the event is reset meanwhile.
 */
public class Event<T> {
    private boolean sent;
    private T value;
    private Throwable failure;
    private ArrayList<Waiter<T>> waiters = new ArrayList<>();

    private static final class Waiter<T> {
        final Thread thread = Thread.currentThread();
        T value;
        Throwable failure;
        volatile boolean done;
    }

    /** An event not sent yet. */
    public Event() {
    }

    /** Sets the value and wakes every waiter; throws IllegalStateException if already sent (until {@link #reset()}). */
    public void send(T value) {
        complete(value, null);
    }

    /** Makes every {@link #await} throw {@code t} (checked exceptions wrapped in GreenException). */
    public void sendException(Throwable t) {
        complete(null, Objects.requireNonNull(t, "exception"));
    }

    private void complete(T v, Throwable f) {
        ArrayList<Waiter<T>> toWake;
        synchronized (this) {
            if (sent) {
                throw new IllegalStateException("event already sent; reset() it first");
            }
            sent = true;
            value = v;
            failure = f;
            toWake = waiters;
            waiters = new ArrayList<>();
            for (Waiter<T> w : toWake) {
                w.value = v;
                w.failure = f;
                w.done = true;
            }
        }
        for (Waiter<T> w : toWake) {
            Parking.unpark(w.thread);
        }
    }

    /** Blocks until sent; returns the value or throws the sent exception. */
    public T await() {
        return await((Duration) null);
    }

    /** Like {@link #await()}, throwing {@link TimeoutExpired} when {@code timeout} passes first (null: none). */
    public T await(Duration timeout) {
        long deadline = Parking.deadline(timeout);
        Waiter<T> w;
        synchronized (this) {
            if (sent) {
                return result(value, failure);
            }
            w = new Waiter<>();
            waiters.add(w);
        }
        Strand me = Strand.current();
        try {
            while (!w.done && Parking.park(me, this, deadline)) {
                // spurious wake-up
            }
        } finally {
            synchronized (this) {
                if (!w.done) {
                    waiters.remove(w);
                }
            }
        }
        if (!w.done) {
            throw new TimeoutExpired(null);
        }
        return result(w.value, w.failure);
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

    /** Whether a value or exception has been sent (and not reset). */
    public synchronized boolean ready() {
        return sent;
    }

    /** Makes the event fresh again so that it can be sent once more. */
    public synchronized void reset() {
        sent = false;
        value = null;
        failure = null;
    }
}
