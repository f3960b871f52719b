package org.greenhub.http;

import java.util.HashSet;
import java.util.Set;
import org.greenhub.internal.hub.WaitList;

/** The live connections of one server, so that a StopServe can close the idle ones and wait for the rest. */
final class Connections {
    private final Set<HttpConnection> all = new HashSet<>();
    private final WaitList empty = new WaitList();
    private boolean stopping;

    /** Registers {@code c}; false when the server is stopping (the connection should end at once). */
    synchronized boolean add(HttpConnection c) {
        if (stopping) {
            return false;
        }
        all.add(c);
        return true;
    }

    synchronized void remove(HttpConnection c) {
        all.remove(c);
        if (all.isEmpty()) {
            empty.wakeAll();
        }
    }

    synchronized boolean stopping() {
        return stopping;
    }

    /** The server stops: idle connections are closed, busy ones end after their response; returns when none is left. */
    void drain() {
        HttpConnection[] now;
        synchronized (this) {
            stopping = true;
            now = all.toArray(new HttpConnection[0]);
        }
        for (HttpConnection c : now) {
            c.closeIfIdle();
        }
        empty.await(this, all::isEmpty);
    }
}
