package org.greenhub.http;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/** Common Log Format lines, plus the time taken in microseconds. */
final class AccessLog {
    private static final System.Logger LOG = System.getLogger("org.greenhub.http.access");
    static final Consumer<String> DEFAULT_SINK = line -> LOG.log(System.Logger.Level.INFO, line);
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private AccessLog() {
    }

    /** {@code host - - [date] "request line" status bytes micros}. */
    static String line(String host, RequestHead head, int status, long bytes, long micros) {
        String requestLine = head.method() + " " + head.target() + (head.http11 ? " HTTP/1.1" : " HTTP/1.0");
        return host + " - - [" + CLF.format(ZonedDateTime.now(ZoneOffset.UTC)) + "] \"" + requestLine + "\" "
                + status + " " + (bytes > 0 ? Long.toString(bytes) : "-") + " " + micros;
    }
}
