package org.greenhub.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what greenhub logs (System.Logger, whose default backend is
 * java.util.logging) under the logger {@code org.greenhub} and its children, each
 * record as its message and its exception's stack trace, while open.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger("org.greenhub"); // held: JUL keeps loggers weakly
    private final StringBuilder text = new StringBuilder();
    // What text() returns, without a lock: a green thread that reads it while the watchdog
    // logs must not block on a monitor, which would unmount it and end the stall it is in.
    private volatile String snapshot = "";
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            StringWriter w = new StringWriter();
            w.append(r.getLevel().getName()).append(' ').append(r.getLoggerName()).append(": ").append((r.getMessage() == null ? "" : r.getMessage())).append('\n');
            if (r.getThrown() != null) {
                r.getThrown().printStackTrace(new PrintWriter(w));
            }
            synchronized (text) {
                text.append(w);
                snapshot = text.toString();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final boolean parentHandlers = logger.getUseParentHandlers();
    private final Level level = logger.getLevel();

    /** Starts collecting every level, DEBUG and TRACE too; the records no longer reach the console meanwhile. */
    public LogCapture() {
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
    }

    /** Everything logged so far. */
    public String text() {
        return snapshot;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(parentHandlers);
        logger.setLevel(level);
    }
}
