package org.greenhub.http;

/**
 * Checks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) as the
 * bytes arrive, so a text message split into fragments, even inside a character, fails at
 * its first bad byte.
 */
final class Utf8Validator {
    private int need;            // continuation bytes still expected
    private int lo = 0x80, hi = 0xbf; // the range of the next continuation byte

    /** Feeds {@code b[off, off+len)}; false at the first byte that cannot be UTF-8. */
    boolean feed(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i++] & 0xff;
            if (need == 0) {
                if (c < 0x80) {
                    continue;
                }
                if (c >= 0xc2 && c <= 0xdf) {
                    need = 1;
                } else if (c >= 0xe0 && c <= 0xef) {
                    need = 2;
                    lo = c == 0xe0 ? 0xa0 : 0x80; // E0 80..9F would be overlong
                    hi = c == 0xed ? 0x9f : 0xbf; // ED A0..BF would be a surrogate
                } else if (c >= 0xf0 && c <= 0xf4) {
                    need = 3;
                    lo = c == 0xf0 ? 0x90 : 0x80; // F0 80..8F would be overlong
                    hi = c == 0xf4 ? 0x8f : 0xbf; // F4 90.. would be above U+10FFFF
                } else {
                    return false;    // a continuation byte, C0, C1 or F5..FF
                }
            } else {
                if (c < lo || c > hi) {
                    return false;
                }
                lo = 0x80;
                hi = 0xbf;
                need--;
            }
        }
        return true;
    }

    /** Whether the bytes fed so far end on a character boundary. */
    boolean complete() {
        return need == 0;
    }

    void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xbf;
    }

    /** Whether {@code b[off, off+len)} is complete UTF-8. */
    static boolean valid(byte[] b, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(b, off, len) && v.complete();
    }
}
