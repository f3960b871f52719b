package org.greenhub.http;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Arrays;

/**
 * Fuzz targets of the request parser and the chunked decoder. A normal test run replays
 * the corpus in java/test-resources/org/greenhub/http/HttpParserFuzzTestInputs/
 * (regression mode); fuzzing, 30 minutes a target, is a command of its own: {@code ci/fuzz}.
 *
 * <p>Invariants: nothing but the parser's own HttpError is ever thrown (no index out of
 * bounds, no number format error); what is parsed lies inside the input; and the
 * outcome is the same however the bytes are split on arrival.
 */
class HttpParserFuzzTest {
    static final HttpServer.Options O = HttpServer.Options.defaults().accessLog(null)
            .maxRequestLine(256).maxHeaderBytes(1024).maxHeaders(20).maxBody(4096);

    /** What scanning and parsing a head made of {@code bytes} came to: the head's end and a digest of its fields, or an error status. */
    record HeadOutcome(int status, int end, String fields) {
    }

    /** Scans as HttpConnection does with the bytes arriving in two parts, the first of {@code first} bytes, then parses. */
    static HeadOutcome head(byte[] bytes, int first) {
        int end;
        try {
            end = HeadScanner.find(bytes, 0, first, 0, O);
            if (end < 0) {
                end = HeadScanner.find(bytes, 0, bytes.length, Math.max(0, first - 3), O);
            }
        } catch (HttpError e) {
            return new HeadOutcome(e.status, -1, "");
        }
        if (end < 0) {
            return new HeadOutcome(0, -1, "incomplete");
        }
        assertTrue(end >= 4 && end <= bytes.length);
        RequestHead h = new RequestHead();
        try {
            h.parse(bytes, 0, end, O);
        } catch (HttpError e) {
            return new HeadOutcome(e.status, end, "");
        }
        assertTrue(h.methodEnd > 0 && h.methodEnd < h.targetStart && h.targetStart < h.targetEnd && h.targetEnd < end);
        StringBuilder f = new StringBuilder(h.method()).append(' ').append(h.target()).append(h.http11 ? " 1.1" : " 1.0");
        for (int n = 0; n < h.headerCount; n++) {
            int[] x = Arrays.copyOfRange(h.fields, 4 * n, 4 * n + 4);
            assertTrue(x[0] < x[1] && x[1] < x[2] + 1 && x[2] <= x[3] && x[3] <= end, Arrays.toString(x));
            f.append('|').append(x[0]).append(',').append(x[1]).append(',').append(x[2]).append(',').append(x[3]);
        }
        f.append(" framing=").append(h.framing).append(" length=").append(h.contentLength)
                .append(" close=").append(h.connectionClose).append(" continue=").append(h.expectContinue);
        assertTrue(h.framing != RequestHead.LENGTH || h.contentLength <= O.maxBody);
        assertNotNull(h.headers());
        return new HeadOutcome(200, end, f.toString());
    }

    @FuzzTest(maxDuration = "30m")
    @org.junit.jupiter.api.Timeout(value = 40, unit = java.util.concurrent.TimeUnit.MINUTES) // fuzzing runs 30 min
    void requestHead(FuzzedDataProvider data) {
        int split = data.consumeInt(0, Integer.MAX_VALUE);
        byte[] bytes = data.consumeRemainingAsBytes();
        HeadOutcome whole = head(bytes, bytes.length);
        assertEquals(whole, head(bytes, split % (bytes.length + 1)), "the same head, split elsewhere");
    }

    /** What decoding a chunked body came to: the body, how much input it took, and how it ended. */
    record BodyOutcome(String body, int consumed, String end) {
    }

    /** Decodes {@code bytes} as a chunked body whose input arrives at most {@code fragment} bytes at a time. */
    static BodyOutcome chunked(byte[] bytes, int fragment) {
        int[] pos = {0};
        ChunkedDecoder.Source src = new ChunkedDecoder.Source() {
            @Override
            public int next() throws IOException {
                if (pos[0] >= bytes.length) {
                    throw new IOException("end of input");
                }
                return bytes[pos[0]++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos[0] >= bytes.length) {
                    throw new IOException("end of input");
                }
                int n = Math.min(Math.min(len, fragment), bytes.length - pos[0]);
                System.arraycopy(bytes, pos[0], b, off, n);
                pos[0] += n;
                return n;
            }
        };
        ChunkedDecoder d = new ChunkedDecoder(O.maxBody, O.maxHeaderBytes, O.maxHeaders);
        StringBuilder body = new StringBuilder();
        byte[] buf = new byte[7];
        try {
            for (int n; (n = d.read(src, buf, 0, buf.length)) >= 0; ) {
                assertTrue(n > 0 && n <= buf.length);
                for (int i = 0; i < n; i++) {
                    body.append((char) (buf[i] & 0xff));
                }
                assertTrue(body.length() <= O.maxBody);
            }
            assertTrue(d.done());
            return new BodyOutcome(body.toString(), pos[0], "done");
        } catch (HttpError e) {
            return new BodyOutcome(body.toString(), pos[0], "status " + e.status);
        } catch (IOException e) {
            return new BodyOutcome(body.toString(), pos[0], "end of input");
        }
    }

    @FuzzTest(maxDuration = "30m")
    @org.junit.jupiter.api.Timeout(value = 40, unit = java.util.concurrent.TimeUnit.MINUTES) // fuzzing runs 30 min
    void chunkedBody(FuzzedDataProvider data) {
        int fragment = data.consumeInt(1, 64);
        byte[] bytes = data.consumeRemainingAsBytes();
        BodyOutcome whole = chunked(bytes, Integer.MAX_VALUE);
        assertEquals(whole, chunked(bytes, fragment), "the same body, split in " + fragment + "-byte reads");
    }
}
