package org.greenhub.queue;

/** Thrown by a timed {@code put} when the queue stayed full. */
public class QueueFull extends RuntimeException {
    /** Creates the exception, with the message "queue full". */
    public QueueFull() {
        super("queue full");
    }
}
