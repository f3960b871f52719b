package org.greenhub.http;

import static org.greenhub.http.RawWebSocket.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.greenhub.Green;
import org.greenhub.GreenThread;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 and RFC 7692 against {@link WebSocket#handler}, spoken byte for byte by
 * {@link RawWebSocket} (a client written here, on a platform thread), grouped and
 * numbered as the Autobahn testsuite groups its cases. The server runs the echo handler
 * unless a case says otherwise. Every case ends by checking the close code the server sent
 * and that the server then ended the TCP connection.
 */
@Timeout(90)
class WebSocketConformanceTest {
    /** The server side of most cases: every message echoed as it came (text as text, binary as binary). */
    static final WebSocketHandler ECHO = ws -> {
        Object m;
        while ((m = ws.receive()) != null) {
            if (m instanceof String s) {
                ws.send(s);
            } else {
                ws.send((byte[]) m);
            }
        }
    };

    static final int MAX_MESSAGE = 16 << 20;
    static final String DEFLATE = "Sec-WebSocket-Extensions: permessage-deflate";

    static void withServer(WebSocketHandler h, HttpServerTest.Client client) throws Exception {
        HttpServerTest.withServer(HttpServerTest.quiet(), WebSocket.handler(h), client);
    }

    static void withEcho(HttpServerTest.Client client) throws Exception {
        withServer(ECHO, client);
    }

    /** Opens a connection, writes {@code frames} (whole, encoded bytes), and expects the server to fail it with {@code code}. */
    static void expectFailure(InetSocketAddress at, int code, Frames frames) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(at)) {
            ws.inOneWrite(() -> frames.write(ws));
            ws.expectClose(code);
        }
    }

    interface Frames {
        void write(RawWebSocket ws) throws Exception;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code n} bytes of printable ASCII (a valid UTF-8 text of exactly n bytes). */
    static String ascii(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('!' + (i * 7 + i / 95) % 94);
        }
        return new String(c);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    // =========================================================================================

    @Nested
    @DisplayName("1 framing")
    class Framing {
        @ParameterizedTest(name = "text of {0} bytes")
        @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 1 << 20})
        void textEchoed(int size) throws Exception {
            String text = ascii(size);
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendText(text);
                    Frame f = ws.read();
                    assertEquals(TEXT, f.opcode(), f.toString());
                    assertTrue(f.fin());
                    assertEquals(size < 126 ? 7 : size < 65536 ? 16 : 64, f.lengthForm(), "the server's length form");
                    assertEquals(text, strictUtf8(f.payload()));
                    ws.closeCleanly();
                }
            });
        }

        @ParameterizedTest(name = "binary of {0} bytes")
        @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 1 << 20})
        void binaryEchoed(int size) throws Exception {
            byte[] data = bytes(size, size);
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(BINARY, data);
                    Frame f = ws.read();
                    assertEquals(BINARY, f.opcode(), f.toString());
                    assertEquals(size < 126 ? 7 : size < 65536 ? 16 : 64, f.lengthForm(), "the server's length form");
                    assertArrayEquals(data, f.payload());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void lengthFormBoundariesOnOneConnection() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    // the 7-, 16- and 64-bit forms at their boundaries
                    for (int size : new int[] {125, 126, 65535, 65536, 200_000}) {
                        byte[] data = bytes(size, size + 1);
                        ws.write(ws.encode(true, 0, BINARY, data, 0));
                        assertArrayEquals(data, ws.readBinary(), size + " bytes");
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void manyMessagesBackToBackInOneWrite() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                    for (int i = 0; i < 200; i++) {
                        batch.writeBytes(ws.encode(true, 0, i % 2 == 0 ? TEXT : BINARY, utf8("message " + i), 0));
                    }
                    ws.write(batch.toByteArray());
                    for (int i = 0; i < 200; i++) {
                        byte[] m = ws.readMessage(i % 2 == 0 ? TEXT : BINARY);
                        assertEquals("message " + i, new String(m, StandardCharsets.UTF_8));
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aFrameWrittenOneByteAtATime() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    byte[] frame = ws.encode(true, 0, TEXT, utf8("slowly, byte by byte: κόσμε"), 0);
                    for (byte b : frame) {
                        ws.write(new byte[] {b});
                    }
                    assertEquals("slowly, byte by byte: κόσμε", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void anUnmaskedClientFrameIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.write(ws.encode(true, 0, TEXT, utf8("Hello"), 0, false))));
        }

        @Test
        void anUnmaskedEmptyClientFrameIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.write(ws.encode(true, 0, BINARY, new byte[0], 0, false))));
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("2 ping and pong")
    class PingPong {
        @Test
        void pingWithoutPayloadGetsAnEmptyPong() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(PING, new byte[0]);
                    ws.expectPong(new byte[0]);
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void pingPayloadIsEchoedInThePong() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(PING, utf8("Hello, world!"));
                    ws.expectPong(utf8("Hello, world!"));
                    byte[] binary = {0, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0, (byte) 0xff};
                    ws.send(PING, binary);
                    ws.expectPong(binary);
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void ping125BytesGetsAPongOf125Bytes() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    byte[] p = bytes(125, 125);
                    ws.send(PING, p);
                    ws.expectPong(p);
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void ping125BytesWrittenOneByteAtATime() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    byte[] p = bytes(125, 1);
                    for (byte b : ws.encode(true, 0, PING, p, 0)) {
                        ws.write(new byte[] {b});
                    }
                    ws.expectPong(p);
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void ping126BytesIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.send(PING, bytes(126, 126))));
        }

        @Test
        void unsolicitedPongsAreIgnored() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(PONG, new byte[0]);
                    ws.send(PONG, utf8("unsolicited"));
                    ws.sendText("after the pongs");
                    assertEquals("after the pongs", ws.readText(), "no answer to a pong: the next frame is the echo");
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void unsolicitedPongThenPingGetsOnlyThePong() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(PONG, utf8("unsolicited"));
                    ws.send(PING, utf8("solicited"));
                    ws.expectPong(utf8("solicited"));
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void tenPingsGetTenPongsInOrder() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (int i = 0; i < 10; i++) {
                        ws.send(PING, utf8("ping " + i));
                    }
                    for (int i = 0; i < 10; i++) {
                        ws.expectPong(utf8("ping " + i));
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void serverPingIsAnsweredByTheClient() throws Exception {
            withServer(ws -> {
                ws.ping(utf8("from the server"));
                ECHO.handle(ws);
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    Frame f = ws.read();
                    assertEquals(PING, f.opcode(), f.toString());
                    assertEquals("from the server", new String(f.payload(), StandardCharsets.UTF_8));
                    ws.send(PONG, f.payload());
                    ws.sendText("pong sent");
                    assertEquals("pong sent", ws.readText());
                    ws.closeCleanly();
                }
            });
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("3 reserved bits")
    class ReservedBits {
        @ParameterizedTest(name = "rsv {0} on a text frame")
        @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
        void reservedBitsWithoutAnExtensionAre1002(int rsv) throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.frame(true, rsv, TEXT, utf8("Hello"))));
        }

        @Test
        void rsv2AfterAnEchoedMessage() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.inOneWrite(() -> {
                        ws.sendText("Hello");
                        ws.frame(true, RSV2, TEXT, utf8("Hello"));
                        ws.send(PING, new byte[0]);
                    });
                    assertEquals("Hello", ws.readText());
                    ws.expectClose(1002); // and no pong: nothing after the violation is handled
                }
            });
        }

        @Test
        void rsv3OnABinaryFrame() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.frame(true, RSV3, BINARY, bytes(10, 3))));
        }

        @Test
        void rsv1OnAPing() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.frame(true, RSV1, PING, utf8("Hello"))));
        }

        @Test
        void rsvOnAClose() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.frame(true, RSV2 | RSV3, CLOSE, closePayload(1000, ""))));
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("4 opcodes")
    class Opcodes {
        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        void reservedOpcodesAre1002(int opcode) throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.send(opcode, new byte[0])));
        }

        @ParameterizedTest(name = "opcode {0} with a payload, after a message")
        @ValueSource(ints = {3, 7, 11, 15})
        void reservedOpcodeAfterAMessage(int opcode) throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.inOneWrite(() -> {
                        ws.sendText("Hello");
                        ws.send(opcode, utf8("reserved"));
                        ws.send(PING, new byte[0]);
                    });
                    assertEquals("Hello", ws.readText());
                    ws.expectClose(1002);
                }
            });
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("5 fragmentation")
    class Fragmentation {
        @Test
        void textInTwoFragments() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.frame(false, 0, TEXT, utf8("fragment1"));
                    ws.frame(true, 0, CONT, utf8("fragment2"));
                    assertEquals("fragment1fragment2", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void binaryInManyFragmentsSomeEmpty() throws Exception {
            byte[] data = bytes(100_000, 5);
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.frame(false, 0, BINARY, new byte[0]);
                    int at0 = 0;
                    for (int size = 1; at0 < data.length; size = size * 2 + 1) {
                        int end = Math.min(data.length, at0 + size);
                        ws.frame(false, 0, CONT, Arrays.copyOfRange(data, at0, end));
                        ws.frame(false, 0, CONT, new byte[0]);
                        at0 = end;
                    }
                    ws.frame(true, 0, CONT, new byte[0]);
                    assertArrayEquals(data, ws.readBinary());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void oneByteFragments() throws Exception {
            String text = "one byte at a time";
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    byte[] b = utf8(text);
                    for (int i = 0; i < b.length; i++) {
                        ws.frame(i == b.length - 1, 0, i == 0 ? TEXT : CONT, new byte[] {b[i]});
                    }
                    assertEquals(text, ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void pingBetweenFragmentsIsAnsweredFirst() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.frame(false, 0, TEXT, utf8("fragment1"));
                    ws.send(PING, utf8("in between"));
                    ws.expectPong(utf8("in between")); // answered while the message is still open
                    ws.frame(false, 0, CONT, utf8("fragment2"));
                    ws.send(PONG, utf8("unsolicited, in between"));
                    ws.frame(true, 0, CONT, utf8("fragment3"));
                    assertEquals("fragment1fragment2fragment3", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void closeBetweenFragmentsEndsTheConnection() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.frame(false, 0, TEXT, utf8("never finished"));
                    ws.sendClose(1000, "");
                    ws.expectClose(1000);
                }
            });
        }

        @Test
        void fragmentedPingIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> {
                ws.frame(false, 0, PING, utf8("frag"));
                ws.frame(true, 0, CONT, utf8("ment"));
            }));
        }

        @Test
        void fragmentedPongIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> {
                ws.frame(false, 0, PONG, utf8("frag"));
                ws.frame(true, 0, CONT, utf8("ment"));
            }));
        }

        @Test
        void fragmentedCloseIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.frame(false, 0, CLOSE, closePayload(1000, ""))));
        }

        @Test
        void continuationWithoutStartIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.frame(true, 0, CONT, utf8("no start"))));
        }

        @Test
        void unfinishedContinuationWithoutStartIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> {
                ws.frame(false, 0, CONT, utf8("no start"));
                ws.frame(true, 0, TEXT, utf8("then a text"));
            }));
        }

        @Test
        void continuationAfterAFinishedMessageIs1002() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.inOneWrite(() -> {
                        ws.frame(false, 0, TEXT, utf8("a"));
                        ws.frame(true, 0, CONT, utf8("b"));
                        ws.frame(true, 0, CONT, utf8("c"));
                    });
                    assertEquals("ab", ws.readText());
                    ws.expectClose(1002);
                }
            });
        }

        @Test
        void newTextFrameInsideAFragmentedMessageIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> {
                ws.frame(false, 0, TEXT, utf8("fragment1"));
                ws.frame(true, 0, TEXT, utf8("fragment2"));
            }));
        }

        @Test
        void newBinaryFrameInsideAFragmentedMessageIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> {
                ws.frame(false, 0, BINARY, bytes(3, 1));
                ws.frame(false, 0, BINARY, bytes(3, 2));
            }));
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("6 UTF-8")
    class Utf8 {
        /** Valid texts, as bytes: multi-byte sequences and the boundaries of each length (Autobahn 6.2, 6.5-6.7, 6.9-6.11, 6.22). */
        static final String[] VALID = {
                "ce ba e1 bd b9 cf 83 ce bc ce b5",                         // κόσμε
                "48 65 6c 6c 6f 2d c2 b5 40 c3 9f c3 b6 c3 a4 c3 bc c3 a0 c3 a1 2d 55 54 46 2d 38 21 21",
                "00", "7f", "c2 80", "df bf", "e0 a0 80", "ef bf bf", "f0 90 80 80", "f4 8f bf bf",
                "ed 9f bf", "ee 80 80", "ef bf bd", "ef bf be", "f0 9f 98 80",
        };

        /** Invalid sequences (Autobahn 6.3, 6.6, 6.8, 6.12-6.21): each makes a text message 1007. */
        static final String[] INVALID = {
                "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64", // a surrogate in the middle
                "80", "bf", "80 bf", "c2", "e0 a0", "f0 90 80",                 // lone continuations, truncations
                "c0 af", "e0 80 af", "f0 80 80 af", "f8 80 80 80 af",           // overlong '/'
                "c1 bf", "e0 9f bf", "f0 8f bf bf",                             // overlong maxima
                "c0 80", "e0 80 80",                                            // overlong NUL
                "ed a0 80", "ed ad bf", "ed ae 80", "ed af bf", "ed b0 80", "ed be 80", "ed bf bf", // surrogates
                "ed a0 80 ed b0 80",                                            // a surrogate pair in CESU-8
                "f4 90 80 80", "f5 80 80 80", "f7 bf bf bf",                    // above U+10FFFF
                "fe", "ff", "fe fe ff ff", "c0", "c1",
                "41 c2 41", "e1 80 41", "f1 80 80 41",                          // a sequence cut by an ASCII byte
        };

        @Test
        void validTextsAreEchoed() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (String v : VALID) {
                        ws.send(TEXT, hex(v));
                        assertArrayEquals(hex(v), ws.readMessage(TEXT), v);
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void validTextsSplitAtEveryByteAcrossFragments() throws Exception {
            byte[] text = hex("ce ba e1 bd b9 cf 83 ce bc ce b5 f0 9f 98 80 f4 8f bf bf");
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (int cut = 1; cut < text.length; cut++) {
                        ws.frame(false, 0, TEXT, Arrays.copyOf(text, cut));
                        ws.frame(true, 0, CONT, Arrays.copyOfRange(text, cut, text.length));
                        assertArrayEquals(text, ws.readMessage(TEXT), "cut at " + cut);
                    }
                    // and in one-byte fragments: every code point spans several frames
                    for (int i = 0; i < text.length; i++) {
                        ws.frame(i == text.length - 1, 0, i == 0 ? TEXT : CONT, new byte[] {text[i]});
                    }
                    assertArrayEquals(text, ws.readMessage(TEXT), "one-byte fragments");
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void invalidTextsAre1007() throws Exception {
            withEcho(at -> {
                for (String bad : INVALID) {
                    try (RawWebSocket ws = RawWebSocket.open(at)) {
                        ws.send(TEXT, hex(bad));
                        assertEquals(1007, ws.expectClose(1007).closeCode(), bad);
                    } catch (AssertionError | IOException e) {
                        throw new AssertionError("text " + bad + ": " + e.getMessage(), e);
                    }
                }
            });
        }

        @Test
        void invalidTextsInFragmentsAre1007() throws Exception {
            withEcho(at -> {
                for (String bad : INVALID) {
                    byte[] b = concat(utf8("ok "), hex(bad), utf8(" end"));
                    try (RawWebSocket ws = RawWebSocket.open(at)) {
                        java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
                        for (int i = 0; i < b.length; i += 2) {
                            int end = Math.min(b.length, i + 2);
                            frames.writeBytes(ws.encode(end == b.length, 0, i == 0 ? TEXT : CONT, Arrays.copyOfRange(b, i, end), 0));
                        }
                        // from another thread: a server that fails fast closes before the last fragments
                        ws.writeInBackground(frames.toByteArray());
                        ws.expectClose(1007);
                    } catch (AssertionError | IOException e) {
                        throw new AssertionError("text " + bad + " in 2-byte fragments: " + e.getMessage(), e);
                    }
                }
            });
        }

        @Test
        void codepointTruncatedByTheLastFragmentIs1007() throws Exception {
            withEcho(at -> expectFailure(at, 1007, ws -> {
                ws.frame(false, 0, TEXT, hex("ce ba e1"));
                ws.frame(true, 0, CONT, hex("bd"));   // e1 bd needs one more byte
            }));
        }

        /** Fail-fast (Autobahn 6.4.1/6.4.2): a fragment with an invalid sequence fails at once, before the message ends. */
        @Test
        void invalidFirstFragmentFailsBeforeTheMessageEnds() throws Exception {
            withEcho(at -> expectFailure(at, 1007, ws -> ws.frame(false, 0, TEXT, hex("ce ba e1 bd b9 cf 83 ce bc ce b5 f4 90 80 80"))));
        }

        @Test
        void invalidMiddleFragmentFailsBeforeTheMessageEnds() throws Exception {
            withEcho(at -> expectFailure(at, 1007, ws -> {
                ws.frame(false, 0, TEXT, hex("ce ba e1 bd b9 cf 83 ce bc ce b5"));
                ws.frame(false, 0, CONT, hex("f4 90"));            // already above U+10FFFF
            }));
        }

        @Test
        void validTextsAfterInvalidBinaryAreFine() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(BINARY, hex("ed a0 80 ff fe c0 af")); // binary is not UTF-8 checked
                    assertArrayEquals(hex("ed a0 80 ff fe c0 af"), ws.readBinary());
                    ws.closeCleanly();
                }
            });
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("7 close handling")
    class Closing {
        @ParameterizedTest(name = "close {0} echoed")
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
        void validCodesAreEchoed(int code) throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendClose(code, "reason for " + code);
                    ws.expectClose(code);
                }
            });
        }

        @ParameterizedTest(name = "close {0} is 1002")
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void invalidCodesAre1002(int code) throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.sendClose(code, "")));
        }

        @Test
        void closeWithoutPayloadIsAnsweredWithoutACodeOr1000() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(CLOSE, new byte[0]);
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertTrue(f.payload().length == 0 || f.closeCode() == 1000, "no code (1005 is never sent) or 1000: " + f);
                    ws.expectEnd();
                }
            });
        }

        @Test
        void closeWithOneBytePayloadIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.send(CLOSE, new byte[] {3})));
        }

        @Test
        void closeWithTheLongestReason() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendClose(1000, ascii(123));
                    ws.expectClose(1000);
                }
            });
        }

        @Test
        void closeOf126BytesIs1002() throws Exception {
            withEcho(at -> expectFailure(at, 1002, ws -> ws.sendClose(1000, ascii(124))));
        }

        @Test
        void closeReasonInInvalidUtf8Is1007() throws Exception {
            withEcho(at -> expectFailure(at, 1007, ws -> ws.send(CLOSE, concat(hex("03 e8"), hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64")))));
        }

        @Test
        void closeReasonInValidMultiByteUtf8IsEchoed() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendClose(1001, "κόσμε 😀");
                    ws.expectClose(1001);
                }
            });
        }

        @Test
        void dataAfterTheCloseIsIgnored() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.inOneWrite(() -> {
                        ws.sendClose(1000, "");
                        ws.sendText("after the close");
                        ws.send(PING, utf8("after the close"));
                    });
                    ws.expectClose(1000); // no echo, no pong: the close frame, then the end
                }
            });
        }

        @Test
        void messagesBeforeTheCloseAreEchoedFirst() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendText("one");
                    ws.sendText("two");
                    ws.sendClose(1000, "");
                    assertEquals("one", ws.readText());
                    assertEquals("two", ws.readText());
                    ws.expectClose(1000);
                }
            });
        }

        @Test
        void receiveReturnsNullAfterThePeerClosedAndKeepsReturningNull() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                Object m;
                while ((m = ws.receive()) != null) {
                    seen.add("message " + m);
                }
                seen.add("null");
                seen.add(ws.receive() == null ? "null again" : "a message after the close");
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendText("hi");
                    ws.sendClose(4001, "bye");
                    ws.expectClose(4001);
                }
                assertEquals("message hi", seen.poll(20, TimeUnit.SECONDS));
                assertEquals("null", seen.poll(20, TimeUnit.SECONDS));
                assertEquals("null again", seen.poll(20, TimeUnit.SECONDS));
            });
        }

        @Test
        void receiveReturnsNullAfterAProtocolError() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                Object m = ws.receive();
                seen.add(m == null ? "null" : "message " + m);
            }, at -> {
                expectFailure(at, 1002, ws -> ws.send(13, new byte[0]));
                assertEquals("null", seen.poll(20, TimeUnit.SECONDS));
            });
        }

        @Test
        void receiveReturnsNullWhenTheClientJustGoesAway() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                Object m = ws.receive();
                seen.add(m == null ? "null" : "message " + m);
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.write(Arrays.copyOf(ws.encode(true, 0, TEXT, utf8("cut short"), 0), 5));
                }
                assertEquals("null", seen.poll(20, TimeUnit.SECONDS));
            });
        }

        @Test
        void serverCloseWithCodeAndReason() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                ws.close(4000, "server says bye");
                seen.add(ws.receive() == null ? "null" : "a message");
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertEquals(4000, f.closeCode());
                    assertEquals("server says bye", new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8));
                    ws.sendClose(4000, "");
                    ws.expectEnd();
                }
                assertEquals("null", seen.poll(20, TimeUnit.SECONDS), "after its own close, receive() ends with null");
            });
        }

        @Test
        void aHandlerThatReturnsClosesWith1000() throws Exception {
            withServer(ws -> ws.send("bye"), at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    assertEquals("bye", ws.readText());
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), "the handler returned: the server starts the closing handshake: " + f);
                    assertEquals(1000, f.closeCode(), f.toString());
                    ws.sendClose(1000, "");
                    ws.expectEnd();
                }
            });
        }

        @Test
        void aHandlerThatThrowsClosesWith1011() throws Exception {
            withServer(ws -> {
                throw new IllegalStateException("the handler failed (expected by the test)");
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertEquals(1011, f.closeCode(), "RFC 6455 7.4.1: 1011, an unexpected condition: " + f);
                    ws.sendClose(1011, "");
                    ws.expectEnd();
                }
            });
        }

        @Test
        void serverCloseWithoutArgumentsIs1000() throws Exception {
            withServer(ws -> {
                ws.send("last words");
                ws.close();
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    assertEquals("last words", ws.readText());
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertEquals(1000, f.closeCode(), f.toString());
                    ws.sendClose(1000, "");
                    ws.expectEnd();
                }
            });
        }

        @Test
        void serverCloseCrossingAClientMessageThenReceiveEndsWithNull() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                ws.close(1001, "going away");
                while (ws.receive() != null) {
                    // a message that crossed the close may or may not be delivered
                }
                seen.add("null");
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    assertEquals(1001, ws.read().closeCode());
                    ws.inOneWrite(() -> {
                        ws.sendText("crossed the server's close");
                        ws.sendClose(1001, "");
                    });
                    ws.expectEnd();
                }
                assertEquals("null", seen.poll(20, TimeUnit.SECONDS));
            });
        }

        @Test
        void invalidCloseCodesFromTheServerSideAreRefused() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                for (int code : new int[] {999, 1005, 1006, 1015, 5000}) {
                    try {
                        ws.close(code, "");
                        seen.add("accepted " + code);
                    } catch (IllegalArgumentException | IOException e) {
                        seen.add("refused");
                    }
                }
                ws.close(1000, "");
                ws.receive();
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    Frame f = ws.read();
                    assertEquals(1000, f.closeCode(), "the only close sent is the valid one: " + f);
                    ws.sendClose(1000, "");
                    ws.expectEnd();
                }
                for (int i = 0; i < 5; i++) {
                    assertEquals("refused", seen.poll(20, TimeUnit.SECONDS));
                }
            });
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("9 limits")
    class Limits {
        @Test
        void aMessageOfExactly16MiBIsAccepted() throws Exception {
            byte[] data = bytes(MAX_MESSAGE, 16);
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.send(BINARY, data);
                    assertArrayEquals(data, ws.readBinary());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aTextOf16MiBInFragmentsIsAccepted() throws Exception {
            String text = ascii(MAX_MESSAGE);
            byte[] b = utf8(text);
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    int quarter = MAX_MESSAGE / 4;
                    for (int i = 0; i < 4; i++) {
                        ws.frame(i == 3, 0, i == 0 ? TEXT : CONT, Arrays.copyOfRange(b, i * quarter, (i + 1) * quarter));
                    }
                    assertEquals(text, ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aFrameHeaderDeclaringMoreThan16MiBIs1009WithoutTheBody() throws Exception {
            withEcho(at -> expectFailure(at, 1009, ws -> ws.write(ws.headerOnly(true, BINARY, MAX_MESSAGE + 1L))));
        }

        @Test
        void aFrameHeaderDeclaringTheLargest64BitLengthIs1009() throws Exception {
            withEcho(at -> expectFailure(at, 1009, ws -> ws.write(ws.headerOnly(true, TEXT, Long.MAX_VALUE))));
        }

        @Test
        void aLengthWithTheMostSignificantBitSetIsRefused() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.write(hex("82 ff 80 00 00 00 00 00 00 01 01 02 03 04"));
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertTrue(f.closeCode() == 1002 || f.closeCode() == 1009,
                            "RFC 6455 5.2: the most significant bit MUST be 0 (1002), or too big (1009): " + f);
                    ws.expectEnd();
                }
            });
        }

        @Test
        void fragmentsAddingUpToMoreThan16MiBAre1009() throws Exception {
            byte[] half = bytes(MAX_MESSAGE / 2, 2);
            withEcho(at -> expectFailure(at, 1009, ws -> {
                ws.frame(false, 0, BINARY, half);
                ws.writeInBackground(ws.encode(true, 0, CONT, Arrays.copyOf(half, half.length + 1), 0));
            }));
        }

        @Test
        void manySmallFragmentsAddingUpToMoreThan16MiBAre1009() throws Exception {
            withEcho(at -> expectFailure(at, 1009, ws -> {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                byte[] chunk = bytes(1 << 20, 1);
                for (int i = 0; i < 17; i++) {
                    all.writeBytes(ws.encode(false, 0, i == 0 ? BINARY : CONT, chunk, 0));
                }
                ws.writeInBackground(all.toByteArray());
            }));
        }

        @Test
        void theConnectionStillWorksAfterALargeMessage() throws Exception {
            byte[] data = bytes(5 << 20, 9);
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (int i = 0; i < 3; i++) {
                        ws.send(BINARY, data);
                        assertArrayEquals(data, ws.readBinary());
                        ws.sendText("small " + i);
                        assertEquals("small " + i, ws.readText());
                    }
                    ws.closeCleanly();
                }
            });
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("12/13 permessage-deflate")
    class Compression {
        /** Opens with {@code offer} and returns the negotiated permessage-deflate parameters (failing when it was declined). */
        Map<String, String> accepted(RawWebSocket ws) {
            Map<String, Map<String, String>> ext = extensions(ws.header("Sec-WebSocket-Extensions"));
            assertEquals(List.of("permessage-deflate"), List.copyOf(ext.keySet()), ws.head);
            Map<String, String> p = ext.get("permessage-deflate");
            for (String name : p.keySet()) {
                assertTrue(List.of("server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits",
                        "client_max_window_bits").contains(name), "a parameter RFC 7692 defines: " + name);
            }
            return p;
        }

        byte[] compressible(int n) {
            return utf8(("All work and no play makes Jack a dull boy. ".repeat(n / 44 + 1)).substring(0, n));
        }

        @Test
        void negotiationOfThePlainOffer() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    assertFalse(p.containsKey("client_max_window_bits"), "not offered, so not answered (RFC 7692 7.1.2.2): " + ws.head);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    ws.sendCompressed(TEXT, utf8("Hello"));
                    assertEquals("Hello", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void negotiationWithClientMaxWindowBitsAndFallbackOffers() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at,
                        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate")) {
                    Map<String, String> p = accepted(ws);
                    String bits = p.get("client_max_window_bits");
                    if (bits != null) {
                        int b = Integer.parseInt(bits);
                        assertTrue(b >= 8 && b <= 15, ws.head);
                    }
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    ws.sendCompressed(TEXT, utf8("Hello"));
                    assertEquals("Hello", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void anOfferWithAnUnknownParameterIsDeclined() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, "Sec-WebSocket-Extensions: permessage-deflate; x_unknown=1")) {
                    assertNull(ws.header("Sec-WebSocket-Extensions"), "RFC 7692 5.1: declined: " + ws.head);
                    ws.sendText("plain");
                    assertEquals("plain", ws.readText());
                    ws.closeCleanly();
                }
                try (RawWebSocket ws = RawWebSocket.open(at,
                        "Sec-WebSocket-Extensions: permessage-deflate; x_unknown=1, permessage-deflate; server_no_context_takeover")) {
                    Map<String, String> p = accepted(ws);
                    assertTrue(p.containsKey("server_no_context_takeover"), "the second offer is the one accepted: " + ws.head);
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void offersWithInvalidWindowBitsAreDeclined() throws Exception {
            withEcho(at -> {
                for (String offer : List.of("permessage-deflate; server_max_window_bits=7", "permessage-deflate; server_max_window_bits=16",
                        "permessage-deflate; client_max_window_bits=16", "permessage-deflate; server_max_window_bits",
                        "permessage-deflate; server_no_context_takeover; server_no_context_takeover")) {
                    try (RawWebSocket ws = RawWebSocket.open(at, "Sec-WebSocket-Extensions: " + offer)) {
                        assertNull(ws.header("Sec-WebSocket-Extensions"), offer + " is declined (RFC 7692 7.1): " + ws.head);
                        ws.closeCleanly();
                    }
                }
            });
        }

        @Test
        void otherExtensionsAreNotAccepted() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, "Sec-WebSocket-Extensions: x-webkit-deflate-frame")) {
                    assertNull(ws.header("Sec-WebSocket-Extensions"), ws.head);
                    ws.frame(true, RSV1, TEXT, utf8("x")); // RSV1 without the extension
                    ws.expectClose(1002);
                }
            });
        }

        @ParameterizedTest(name = "compressed text and binary of {0} bytes")
        @ValueSource(ints = {0, 1, 16, 125, 126, 4096, 65535, 65536, 1 << 20})
        void compressedMessagesAreEchoed(int size) throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    String text = new String(compressible(size), StandardCharsets.UTF_8);
                    byte[] random = bytes(size, size);
                    for (int i = 0; i < 3; i++) {
                        ws.sendCompressed(TEXT, utf8(text));
                        assertEquals(text, ws.readText());
                        ws.sendCompressed(BINARY, random);
                        assertArrayEquals(random, ws.readBinary());
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void emptyMessagesBetweenCompressedOnes() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    ws.sendCompressed(TEXT, utf8("before"));
                    assertEquals("before", ws.readText());
                    ws.sendCompressed(TEXT, new byte[0]);
                    assertEquals("", ws.readText());
                    ws.sendCompressed(BINARY, new byte[0]);
                    assertArrayEquals(new byte[0], ws.readBinary());
                    ws.sendCompressed(TEXT, utf8("after the empty ones"));
                    assertEquals("after the empty ones", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        /** RFC 7692 7.2.3.3: a sender may end each message with a final (BFINAL=1) block instead of a sync flush. */
        @Test
        void messagesEndingWithAFinalBlock() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    for (int i = 0; i < 3; i++) {
                        byte[] data = concat(compressible(3000 + i), bytes(500, i));
                        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
                        d.setInput(data);
                        d.finish();
                        byte[] buf = new byte[data.length + 1024];
                        int n = d.deflate(buf);
                        assertTrue(d.finished());
                        d.end();
                        // 7.2.1: an empty stored block appended (00 00 00 ff ff), then its last 4 bytes removed: one 00
                        byte[] payload = Arrays.copyOf(buf, n + 1);
                        ws.frame(true, RSV1, BINARY, payload);
                        assertArrayEquals(data, ws.readBinary(), "message " + i);
                    }
                    ws.sendText("and a plain one");
                    assertEquals("and a plain one", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void theServerCompressesWhatCompresses() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    byte[] text = compressible(1 << 20);
                    ws.sendCompressed(TEXT, text);
                    Frame f = ws.read();
                    assertEquals(TEXT, f.opcode());
                    assertEquals(RSV1, f.rsv(), "a compressed echo of a compressible megabyte: " + f);
                    assertTrue(f.payload().length < text.length / 10, "compressed: " + f);
                    assertArrayEquals(text, ws.inflate(f.payload()));
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void uncompressedMessagesStillWork() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    ws.sendText("not compressed");
                    assertEquals("not compressed", ws.readText());
                    ws.sendCompressed(TEXT, utf8("compressed"));
                    assertEquals("compressed", ws.readText());
                    ws.send(BINARY, bytes(1000, 1));
                    assertArrayEquals(bytes(1000, 1), ws.readBinary());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void compressedMessageInFragments() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    byte[] data = concat(compressible(50_000), bytes(50_000, 7));
                    byte[] c = ws.compress(data);
                    int step = c.length / 7 + 1;
                    for (int i = 0; i * step < c.length; i++) {
                        int end = Math.min(c.length, (i + 1) * step);
                        ws.frame(end == c.length, i == 0 ? RSV1 : 0, i == 0 ? BINARY : CONT, Arrays.copyOfRange(c, i * step, end));
                        if (i == 2) {
                            ws.send(PING, utf8("mid-message"));
                            ws.expectPong(utf8("mid-message"));
                        }
                    }
                    assertArrayEquals(data, ws.readBinary());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void contextTakeoverAcrossMessages() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    assertFalse(p.containsKey("client_no_context_takeover"), "not offered: " + ws.head);
                    ws.deflate(false, p.containsKey("server_no_context_takeover"));
                    byte[] random = bytes(20_000, 42);
                    byte[] first = ws.compress(random);
                    ws.frame(true, RSV1, BINARY, first);
                    assertArrayEquals(random, ws.readBinary());
                    byte[] second = ws.compress(random); // refers back to the first message's window
                    assertTrue(second.length < first.length / 10, "the second copy compresses to back-references");
                    ws.frame(true, RSV1, BINARY, second);
                    assertArrayEquals(random, ws.readBinary(), "the server kept its decompressor's window");
                    ws.frame(true, RSV1, TEXT, ws.compress(utf8("and text after")));
                    assertEquals("and text after", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void clientNoContextTakeover() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE + "; client_no_context_takeover")) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(true, p.containsKey("server_no_context_takeover"));
                    byte[] random = bytes(20_000, 43);
                    for (int i = 0; i < 3; i++) {
                        byte[] c = ws.compress(random);
                        assertTrue(c.length > random.length / 2, "each message stands alone");
                        ws.frame(true, RSV1, BINARY, c);
                        assertArrayEquals(random, ws.readBinary());
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void serverNoContextTakeover() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE + "; server_no_context_takeover")) {
                    Map<String, String> p = accepted(ws);
                    assertTrue(p.containsKey("server_no_context_takeover"), "RFC 7692 7.1.1.1: accepted with the parameter: " + ws.head);
                    // each echo is inflated by a fresh decompressor: back-references into an
                    // earlier message would fail ("invalid distance too far back")
                    ws.deflate(p.containsKey("client_no_context_takeover"), true);
                    byte[] text = compressible(30_000);
                    for (int i = 0; i < 4; i++) {
                        ws.sendCompressed(TEXT, text);
                        Frame f = ws.read();
                        assertEquals(TEXT, f.opcode());
                        assertArrayEquals(text, f.rsv() == RSV1 ? ws.inflate(f.payload()) : f.payload(), "message " + i);
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void bothNoContextTakeover() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE + "; server_no_context_takeover; client_no_context_takeover")) {
                    Map<String, String> p = accepted(ws);
                    assertTrue(p.containsKey("server_no_context_takeover"), ws.head);
                    ws.deflate(true, true);
                    for (int i = 0; i < 4; i++) {
                        byte[] data = concat(compressible(5000), bytes(100, i));
                        ws.sendCompressed(BINARY, data);
                        assertArrayEquals(data, ws.readBinary());
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aSmallServerWindowIsAcceptedAndTheServerSendsUncompressed() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE + "; server_max_window_bits=10")) {
                    Map<String, String> p = accepted(ws);
                    String bits = p.get("server_max_window_bits");
                    assertNotNull(bits, "RFC 7692 7.1.2.1: the response names the window it accepted: " + ws.head);
                    assertTrue(Integer.parseInt(bits) >= 8 && Integer.parseInt(bits) <= 10, ws.head);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    byte[] text = compressible(100_000);
                    for (int i = 0; i < 2; i++) {
                        ws.sendCompressed(TEXT, text);
                        Frame f = ws.read();
                        assertEquals(TEXT, f.opcode());
                        assertEquals(0, f.rsv(), "the server cannot compress with a 2^10 window: it sends uncompressed");
                        assertArrayEquals(text, f.payload());
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aDeflateBombInOneFrameIs1009() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    byte[] bomb = ws.compress(new byte[MAX_MESSAGE + 4096]);
                    assertTrue(bomb.length < 100_000, "a small frame: " + bomb.length);
                    ws.frame(true, RSV1, BINARY, bomb);
                    ws.expectClose(1009);
                }
            });
        }

        @Test
        void aDeflateBombInSmallFragmentsIs1009() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    byte[] bomb = ws.compress(new byte[20 << 20]);
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    int step = 1000;
                    for (int i = 0; i * step < bomb.length; i++) {
                        int end = Math.min(bomb.length, (i + 1) * step);
                        all.writeBytes(ws.encode(end == bomb.length, i == 0 ? RSV1 : 0, i == 0 ? TEXT : CONT,
                                Arrays.copyOfRange(bomb, i * step, end), 0));
                    }
                    ws.writeInBackground(all.toByteArray());
                    ws.expectClose(1009);
                }
            });
        }

        @Test
        void aCompressedMessageOfExactly16MiBIsAccepted() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    byte[] data = compressible(MAX_MESSAGE);
                    ws.sendCompressed(BINARY, data);
                    assertArrayEquals(data, ws.readBinary());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void compressedInvalidUtf8Is1007() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    Map<String, String> p = accepted(ws);
                    ws.deflate(p.containsKey("client_no_context_takeover"), p.containsKey("server_no_context_takeover"));
                    ws.sendCompressed(TEXT, hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64"));
                    ws.expectClose(1007);
                }
            });
        }

        @Test
        void corruptDeflateDataFailsTheConnection() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    accepted(ws);
                    ws.frame(true, RSV1, BINARY, hex("ff ff ff ff ff ff ff ff"));  // block type 3: invalid
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertTrue(f.closeCode() == 1002 || f.closeCode() == 1007,
                            "RFC 7692 names no code for undecodable data; 1002 or 1007: " + f);
                    ws.expectEnd();
                }
            });
        }

        @Test
        void rsv1OnAContinuationIs1002() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    accepted(ws);
                    ws.frame(false, 0, TEXT, utf8("a"));
                    ws.frame(true, RSV1, CONT, utf8("b"));
                    ws.expectClose(1002);
                }
            });
        }

        @Test
        void rsv1OnAControlFrameIs1002() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    accepted(ws);
                    ws.frame(true, RSV1, PING, new byte[0]);
                    ws.expectClose(1002);
                }
            });
        }

        @Test
        void rsv2WithDeflateIs1002() throws Exception {
            withEcho(at -> {
                try (RawWebSocket ws = RawWebSocket.open(at, DEFLATE)) {
                    accepted(ws);
                    ws.frame(true, RSV1 | RSV2, TEXT, utf8("a"));
                    ws.expectClose(1002);
                }
            });
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("timeouts, idleness and stopping")
    class Lifecycle {
        @Test
        void aTimeoutWhileWaitingForAFrameLeavesTheConnectionUsable() throws Exception {
            withServer(ws -> {
                Object m = Green.withTimeout(java.time.Duration.ofMillis(200), ws::receive, "timed out");
                ws.send(String.valueOf(m));
                ECHO.handle(ws);
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    assertEquals("timed out", ws.readText());
                    ws.sendText("after the timeout");
                    assertEquals("after the timeout", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aTimeoutBetweenTheFragmentsOfAMessageLeavesItUsable() throws Exception {
            withServer(ws -> {
                Object m = Green.withTimeout(java.time.Duration.ofMillis(300), ws::receive, "timed out");
                ws.send(String.valueOf(m));
                ECHO.handle(ws); // the rest of the message
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.frame(false, 0, TEXT, utf8("first half, "));
                    assertEquals("timed out", ws.readText());
                    ws.frame(true, 0, CONT, utf8("second half"));
                    assertEquals("first half, second half", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void aTimeoutInTheMiddleOfAFrameEndsTheConnection() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                Object m = Green.withTimeout(java.time.Duration.ofMillis(300), ws::receive, "timed out");
                seen.add(String.valueOf(m));
                Object next;
                try {
                    next = ws.receive();
                } catch (IllegalStateException e) {
                    next = "IllegalStateException";
                }
                seen.add(String.valueOf(next));
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    byte[] frame = ws.encode(true, 0, BINARY, bytes(1000, 1), 0);
                    ws.write(Arrays.copyOf(frame, 500)); // the header and half the payload
                    assertEquals("timed out", seen.poll(20, TimeUnit.SECONDS));
                    // the rest of the frame is lost with the interrupted receive: the connection ends
                    try {
                        while (true) {
                            Frame f = ws.read();
                            assertEquals(CLOSE, f.opcode(), "nothing but a close: " + f);
                        }
                    } catch (java.io.EOFException | java.net.SocketException end) {
                        // the end
                    }
                }
                String after = seen.poll(20, TimeUnit.SECONDS);
                assertTrue("null".equals(after) || "IllegalStateException".equals(after), "the next receive: " + after);
            });
        }

        @Test
        void anIdleWebSocketOutlivesTheHttpIdleAndHeaderTimeouts() throws Exception {
            HttpServer.Options quick = HttpServerTest.quiet().idleTimeout(java.time.Duration.ofMillis(300))
                    .headerTimeout(java.time.Duration.ofMillis(300));
            HttpServerTest.withServer(quick, WebSocket.handler(ECHO), at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    Thread.sleep(1500); // five times the HTTP timeouts: a WebSocket waits for its messages
                    ws.sendText("still here");
                    assertEquals("still here", ws.readText());
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void closeFromAnotherGreenThreadWhileOneIsInReceive() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                GreenThread<Void> receiver = Green.spawn(() -> {
                    Object m;
                    while ((m = ws.receive()) != null) {
                        seen.add("message " + m);
                    }
                    seen.add("null");
                });
                while (seen.isEmpty()) {
                    Green.sleep(10);
                }
                ws.close(4002, "closed by another green thread");
                receiver.await();
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    ws.sendText("first");
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertEquals(4002, f.closeCode());
                    ws.sendClose(4002, "");
                    ws.expectEnd();
                }
                assertEquals("message first", seen.poll(20, TimeUnit.SECONDS));
                assertEquals("null", seen.poll(20, TimeUnit.SECONDS));
            });
        }

        @Test
        void stopServeClosesOpenWebSocketsWith1001() throws Exception {
            java.util.concurrent.CompletableFuture<InetSocketAddress> address = new java.util.concurrent.CompletableFuture<>();
            HttpHandler ws = WebSocket.handler(ECHO);
            Thread hub = Thread.ofPlatform().start(() -> Green.run(() -> {
                org.greenhub.net.GreenServerSocket server = Green.listen(HttpServerTest.LOCAL, 128);
                address.complete(server.localAddress());
                try {
                    HttpServer.serve(server, (req, resp) -> {
                        if (req.path().equals("/stop")) {
                            throw new org.greenhub.StopServe();
                        }
                        ws.handle(req, resp);
                    }, HttpServerTest.quiet());
                } finally {
                    server.close();
                }
            }));
            try {
                InetSocketAddress at = address.get(20, TimeUnit.SECONDS);
                try (RawWebSocket client = RawWebSocket.open(at)) {
                    client.sendText("before the stop");
                    assertEquals("before the stop", client.readText());
                    String r = HttpServerTest.exchange(at, "GET /stop HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertTrue(r.startsWith("HTTP/1.1 "), r);
                    Frame f = client.read();
                    assertEquals(CLOSE, f.opcode(), f.toString());
                    assertEquals(1001, f.closeCode(), "going away: " + f);
                    client.sendClose(1001, "");
                    client.expectEnd();
                }
                hub.join(20_000);
                assertFalse(hub.isAlive(), "serve returned once the WebSocket had closed");
            } finally {
                hub.join(20_000);
            }
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("opening handshake")
    class Handshake {
        static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

        String upgrade(InetSocketAddress at, String firstLine, String... headers) throws IOException {
            StringBuilder r = new StringBuilder(firstLine + "\r\nHost: 127.0.0.1:" + at.getPort() + "\r\n");
            for (String h : headers) {
                r.append(h).append("\r\n");
            }
            r.append("\r\n");
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
                return HttpServerTest.readResponse(s.getInputStream());
            }
        }

        /** RFC 6455 section 1.3's example: this key is answered with s3pPLMBiTxaQ9kYGzzhZRbK+xOo=. */
        @Test
        void theRfcExampleKey() throws Exception {
            withEcho(at -> {
                try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nOrigin: http://example.com\r\n"
                            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    String head = readHead(s.getInputStream());
                    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", header(head, "Sec-WebSocket-Accept"), head);
                    assertEquals("websocket", header(head, "Upgrade").toLowerCase(java.util.Locale.ROOT), head);
                    assertTrue(tokens(header(head, "Connection")).contains("upgrade"), head);
                    assertNull(header(head, "Content-Length"), "a 101 has no body: " + head);
                    assertNull(header(head, "Transfer-Encoding"), head);
                    assertNull(header(head, "Sec-WebSocket-Extensions"), "none offered, none accepted: " + head);
                    assertNull(header(head, "Sec-WebSocket-Protocol"), "none offered, none chosen: " + head);
                }
            });
        }

        @Test
        void headerNamesAndTokensAreCaseInsensitiveAndConnectionMayListMore() throws Exception {
            withEcho(at -> {
                try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(("GET / HTTP/1.1\r\nhost: x\r\nupgrade: WebSocket\r\n"
                            + "connection: keep-alive, Upgrade\r\nsec-websocket-key: " + KEY + "\r\n"
                            + "sec-websocket-version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    String head = readHead(s.getInputStream());
                    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", header(head, "Sec-WebSocket-Accept"), head);
                }
            });
        }

        List<String> valid(String... drop) {
            List<String> h = new ArrayList<>(List.of("Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13"));
            for (String d : drop) {
                h.removeIf(x -> x.startsWith(d + ":"));
            }
            return h;
        }

        void expect400(InetSocketAddress at, String firstLine, List<String> headers) throws IOException {
            String r = upgrade(at, firstLine, headers.toArray(String[]::new));
            assertTrue(r.startsWith("HTTP/1.1 400 ") || r.startsWith("HTTP/1.0 400 "), firstLine + " " + headers + ":\n" + r);
            assertNull(header(r, "Sec-WebSocket-Accept"), r);
        }

        @Test
        void notAGetIs400() throws Exception {
            withEcho(at -> {
                expect400(at, "POST / HTTP/1.1", concatList(valid(), "Content-Length: 0"));
                expect400(at, "PUT / HTTP/1.1", concatList(valid(), "Content-Length: 0"));
            });
        }

        @Test
        void http10Is400() throws Exception {
            withEcho(at -> expect400(at, "GET / HTTP/1.0", valid()));
        }

        @Test
        void aMissingOrInvalidKeyIs400() throws Exception {
            withEcho(at -> {
                expect400(at, "GET / HTTP/1.1", valid("Sec-WebSocket-Key"));
                for (String key : List.of("", "abc", "dGhlIHNhbXBsZSBub25j", "dGhlIHNhbXBsZSBub25jZSE=",
                        "!!!!!!!!!!!!!!!!!!!!!!==")) {
                    List<String> h = valid("Sec-WebSocket-Key");
                    h.add("Sec-WebSocket-Key: " + key);
                    expect400(at, "GET / HTTP/1.1", h);
                }
            });
        }

        @Test
        void notAnUpgradeIs400() throws Exception {
            withEcho(at -> {
                expect400(at, "GET / HTTP/1.1", List.of());
                expect400(at, "GET / HTTP/1.1", valid("Upgrade"));
                expect400(at, "GET / HTTP/1.1", valid("Connection"));
                List<String> h2c = valid("Upgrade");
                h2c.add("Upgrade: h2c");
                expect400(at, "GET / HTTP/1.1", h2c);
                List<String> keepAlive = valid("Connection");
                keepAlive.add("Connection: keep-alive");
                expect400(at, "GET / HTTP/1.1", keepAlive);
            });
        }

        @Test
        void anotherVersionIs426WithTheVersionHeader() throws Exception {
            withEcho(at -> {
                for (String v : List.of("8", "12", "14")) {
                    List<String> h = valid("Sec-WebSocket-Version");
                    h.add("Sec-WebSocket-Version: " + v);
                    String r = upgrade(at, "GET / HTTP/1.1", h.toArray(String[]::new));
                    assertTrue(r.startsWith("HTTP/1.1 426 "), "version " + v + ":\n" + r);
                    assertEquals("13", header(r, "Sec-WebSocket-Version"), r);
                    assertNull(header(r, "Sec-WebSocket-Accept"), r);
                }
            });
        }

        @Test
        void aRefusedUpgradeNeverReachesTheHandler() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> seen.add("handler ran"), at -> {
                expect400(at, "GET / HTTP/1.1", valid("Sec-WebSocket-Key"));
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    assertEquals("handler ran", seen.poll(20, TimeUnit.SECONDS), "the valid one did");
                    Frame f = ws.read();
                    assertEquals(CLOSE, f.opcode(), "the handler returned: " + f);
                    assertEquals(1000, f.closeCode(), f.toString());
                    ws.sendClose(1000, "");
                    ws.expectEnd();
                }
                assertNull(seen.poll(), "only once");
            });
        }

        @Test
        void aFrameInTheSameWriteAsTheUpgradeRequest() throws Exception {
            withEcho(at -> {
                try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                    s.setSoTimeout(20_000);
                    byte[] frame = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"); // RFC 6455 5.7: a masked "Hello"
                    s.getOutputStream().write(concat(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), frame));
                    String head = readHead(s.getInputStream());
                    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                    assertArrayEquals(hex("81 05 48 65 6c 6c 6f"), s.getInputStream().readNBytes(7), "RFC 6455 5.7: an unmasked \"Hello\"");
                }
            });
        }

        @Test
        void anUpgradeAfterHttpRequestsOnTheSameConnection() throws Exception {
            HttpHandler ws = WebSocket.handler(ECHO);
            HttpServerTest.withServer(HttpServerTest.quiet(), (req, resp) -> {
                if (req.path().equals("/ws")) {
                    ws.handle(req, resp);
                } else {
                    resp.body().write(utf8("plain " + req.path()));
                }
            }, at -> {
                try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    assertTrue(HttpServerTest.readResponse(s.getInputStream()).endsWith("plain /a"));
                    s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    String head = readHead(s.getInputStream());
                    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                    s.getOutputStream().write(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
                    assertArrayEquals(hex("81 05 48 65 6c 6c 6f"), s.getInputStream().readNBytes(7));
                }
            });
        }

        @Test
        void anUpgradeWithABodyOrTwoKeysIs400() throws Exception {
            withEcho(at -> {
                expect400(at, "GET / HTTP/1.1", concatList(valid(), "Content-Length: 5"));
                expect400(at, "GET / HTTP/1.1", concatList(valid(), "Sec-WebSocket-Key: " + KEY));
            });
        }

        List<String> concatList(List<String> a, String... more) {
            List<String> all = new ArrayList<>(a);
            all.addAll(List.of(more));
            return all;
        }
    }

    // =========================================================================================

    @Nested
    @DisplayName("concurrency")
    class Concurrency {
        @Test
        void oneGreenThreadReceivesWhileAnotherSends1000Messages() throws Exception {
            withServer(ws -> {
                GreenThread<Void> sender = Green.spawn(() -> {
                    for (int i = 0; i < 1000; i++) {
                        ws.send("server message " + i);
                    }
                });
                ECHO.handle(ws); // receiving (and echoing) meanwhile
                sender.await();
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (int i = 0; i < 100; i++) {
                        ws.send(BINARY, utf8("client message " + i));
                    }
                    int server = 0, echoed = 0;
                    while (server < 1000 || echoed < 100) {
                        Frame f = ws.read();
                        assertTrue(f.fin(), f.toString());
                        String m = new String(f.payload(), StandardCharsets.UTF_8);
                        if (f.opcode() == TEXT) {
                            assertEquals("server message " + server++, m);
                        } else {
                            assertEquals(BINARY, f.opcode(), f.toString());
                            assertEquals("client message " + echoed++, m);
                        }
                    }
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void twoSendersAtOnceNeverInterleaveFrames() throws Exception {
            int each = 300;
            withServer(ws -> {
                List<GreenThread<Void>> senders = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    int id = s;
                    senders.add(Green.spawn(() -> {
                        for (int i = 0; i < each; i++) {
                            ws.send(message(id, i));
                            if (i % 50 == 0) {
                                ws.ping(new byte[] {(byte) id, (byte) i});
                            }
                        }
                    }));
                }
                for (GreenThread<Void> s : senders) {
                    s.await();
                }
                ECHO.handle(ws);
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    int[] next = new int[2];
                    int pings = 0;
                    while (next[0] < each || next[1] < each) {
                        Frame f = ws.read();
                        if (f.opcode() == PING) {
                            pings++;
                            ws.send(PONG, f.payload());
                            continue;
                        }
                        assertEquals(BINARY, f.opcode(), f.toString());
                        int id = f.payload()[0];
                        assertTrue(id == 0 || id == 1, f.toString());
                        assertArrayEquals(message(id, next[id]), f.payload(), "sender " + id + " message " + next[id]);
                        next[id]++;
                    }
                    assertEquals(2 * (each / 50), pings);
                    ws.closeCleanly();
                }
            });
        }

        @Test
        void pongsGoBetweenLargeMessagesSentByAnotherGreenThread() throws Exception {
            byte[] big = bytes(4 << 20, 4);
            withServer(ws -> {
                GreenThread<Void> sender = Green.spawn(() -> {
                    for (int i = 0; i < 5; i++) {
                        ws.send(big);
                    }
                });
                ECHO.handle(ws); // answers the pings meanwhile
                sender.await();
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (int i = 0; i < 50; i++) {
                        ws.send(PING, utf8("ping " + i));
                    }
                    int pongs = 0, messages = 0;
                    while (pongs < 50 || messages < 5) {
                        Frame f = ws.read();
                        if (f.opcode() == PONG) {
                            assertEquals("ping " + pongs++, new String(f.payload(), StandardCharsets.UTF_8));
                        } else {
                            assertEquals(BINARY, f.opcode(), f.toString());
                            assertArrayEquals(big, f.payload(), "message " + messages++);
                        }
                    }
                    ws.closeCleanly();
                }
            });
        }

        /** Sender {@code id}'s message {@code i}: sizes up to 200 KB, so sends take many writes and switches. */
        byte[] message(int id, int i) {
            int size = 2 + (i * 7919) % (i % 10 == 0 ? 200_000 : 3000);
            byte[] b = new byte[size];
            for (int k = 0; k < size; k++) {
                b[k] = (byte) (k * 31 + i + id * 101);
            }
            b[0] = (byte) id;
            return b;
        }

        @Test
        void aSenderOnAnotherGreenThreadFailsCleanlyWhenTheConnectionEnds() throws Exception {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            withServer(ws -> {
                GreenThread<Void> sender = Green.spawn(() -> {
                    try {
                        for (int i = 0; i < 1_000_000; i++) {
                            ws.send("flood " + i);
                            if (i % 100 == 0) {
                                Green.sleep(); // lets the receiving green thread run (sends to a fast reader never block)
                            }
                        }
                        seen.add("sent everything");
                    } catch (IOException e) {
                        seen.add("IOException");
                    }
                });
                while (ws.receive() != null) {
                    // until the client leaves
                }
                sender.await();
            }, at -> {
                try (RawWebSocket ws = RawWebSocket.open(at)) {
                    for (int i = 0; i < 10; i++) {
                        assertEquals("flood " + i, ws.readText());
                    }
                    ws.sendClose(1000, "");
                    // the flood goes on until the server has read the close
                    while (true) {
                        Frame f = ws.read();
                        if (f.opcode() == CLOSE) {
                            assertEquals(1000, f.closeCode());
                            break;
                        }
                        assertEquals(TEXT, f.opcode(), f.toString());
                    }
                    ws.expectEnd();
                }
                assertEquals("IOException", seen.poll(20, TimeUnit.SECONDS), "sending after the close fails with an IOException");
            });
        }
    }
}
