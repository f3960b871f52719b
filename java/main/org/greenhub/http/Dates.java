package org.greenhub.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The Date header's value (RFC 9110 IMF-fixdate), formatted once per second. */
final class Dates {
    private record Stamp(long second, String text) {
    }

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT);
    private static volatile Stamp last = new Stamp(-1, "");

    private Dates() {
    }

    static String now() {
        long ms = System.currentTimeMillis();
        long second = ms / 1000;
        Stamp s = last;
        if (s.second != second) {
            last = s = new Stamp(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
        }
        return s.text;
    }
}
