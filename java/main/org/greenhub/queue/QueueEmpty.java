package org.greenhub.queue;

/** Thrown by a timed {@code get} when the queue stayed empty. */
public class QueueEmpty extends RuntimeException {
    /** Creates the exception, with the message "queue empty". */
    public QueueEmpty() {
        super("queue empty");
    }
}
