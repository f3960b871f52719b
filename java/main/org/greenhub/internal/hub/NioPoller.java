package org.greenhub.internal.hub;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The portable poller over a java.nio {@link Selector}. Selectors are level-triggered,
 * so interest is armed per wait and disarmed when it fires with nobody left to wake
 * (see {@link #poll}), which keeps an idle writable socket from spinning the loop.
 */
final class NioPoller implements Poller {
    private final Selector selector;
    private final Consumer<SelectionKey> reporter = this::report;
    private ReadySink sink; // the current poll's, for report()

    private NioPoller(Selector selector) {
        this.selector = selector;
    }

    static Poller open() throws IOException {
        return new NioPoller(Selector.open());
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public void arm(PollState s, int interest) throws IOException {
        int ops = ops(s, interest);
        SelectionKey key = (SelectionKey) s.key;
        try {
            if (key == null || !key.isValid()) {
                s.key = s.channel.register(selector, ops, s);
                s.armed = interest;
            } else if ((s.armed & interest) != interest) {
                s.armed |= interest;
                key.interestOps(ops(s, s.armed));
            }
        } catch (ClosedChannelException | CancelledKeyException e) {
            s.ready(ERROR);
        }
    }

    /** The selector ops for {@code interest} that this channel supports in its current state. */
    private static int ops(PollState s, int interest) {
        int valid = s.channel.validOps();
        int ops = 0;
        if ((interest & READ) != 0) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if ((interest & WRITE) != 0) {
            ops |= s.channel instanceof SocketChannel sc && sc.isConnectionPending()
                    ? SelectionKey.OP_CONNECT : valid & SelectionKey.OP_WRITE;
        }
        return ops;
    }

    @Override
    public void cancel(PollState s) {
        SelectionKey key = (SelectionKey) s.key;
        if (key != null) {
            key.cancel();
            s.key = null;
            s.armed = 0;
        }
    }

    @Override
    public void forEachArmed(java.util.function.Consumer<PollState> action) {
        for (SelectionKey k : selector.keys()) {
            if (k.isValid() && k.attachment() instanceof PollState s) {
                action.accept(s);
            }
        }
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        // The select(Consumer) forms hand each ready key to report() without going
        // through the selected-key set (a HashSet add, iteration and removal per key).
        this.sink = sink;
        if (timeoutNanos == 0) {
            return selector.selectNow(reporter);
        } else if (timeoutNanos < 0) {
            return selector.select(reporter);
        }
        // Round up: a timer must never fire early.
        return selector.select(reporter, Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
    }

    private void report(SelectionKey key) {
        PollState s = (PollState) key.attachment();
        int bits;
        try {
            int ready = key.readyOps();
            bits = ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 ? READ : 0)
                    | ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 ? WRITE : 0);
            // Read interest stays armed for a reader that is waiting and has not been
            // woken yet: it will read, usually drain the socket and wait again, and
            // leaving the interest alone saves two interestOps updates per request.
            // Otherwise (nobody waiting, or woken but not run yet) disarm, so that
            // level-triggered readiness cannot spin the loop.
            int disarm = (bits & READ) != 0 && s.reader != null && !s.readReady ? bits & ~READ : bits;
            if ((s.armed & disarm) != 0) {
                s.armed &= ~disarm;
                key.interestOps(ops(s, s.armed));
            }
        } catch (CancelledKeyException e) {
            bits = ERROR;
        }
        sink.ready(s, bits);
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
