package org.greenhub.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ErrnoTest {
    @BeforeEach
    void library() {
        NativeTesting.requireLibrary(); // errno values come from C
    }

    @Test
    void mapsErrnoToJavaExceptions() {
        assertEquals("Connection refused: example.org:80",
                assertInstanceOf(ConnectException.class, Errno.exception(-Errno.ECONNREFUSED, "example.org:80")).getMessage());
        assertInstanceOf(ConnectException.class, Errno.exception(-Errno.ETIMEDOUT, "h:1"));
        assertEquals("Connection reset",
                assertInstanceOf(SocketException.class, Errno.exception(-Errno.ECONNRESET, null)).getMessage());
        assertInstanceOf(BindException.class, Errno.exception(-Errno.EADDRINUSE, "0.0.0.0:80"));
        assertInstanceOf(NoRouteToHostException.class, Errno.exception(-Errno.EHOSTUNREACH, "h:1"));
        assertTrue(Errno.exception(-Errno.EMFILE, null).getMessage().startsWith("Too many open files"));
        assertTrue(Errno.exception(-Errno.ENFILE, null).getMessage().startsWith("Too many open files"));
        assertInstanceOf(SocketException.class, Errno.exception(-Errno.EBADF, "read"));
        assertEquals("Broken pipe: write", Errno.exception(-Errno.EPIPE, "write").getMessage());
        int einval = Errno.value("EINVAL");
        IOException other = Errno.exception(-einval, "bind");
        assertTrue(other.getMessage().contains("errno " + einval), other.getMessage());
    }

    @Test
    void checkPassesResultsThrough() throws IOException {
        assertEquals(5, Errno.check(5, "x"));
        assertEquals(5L, Errno.check(5L, "x"));
        assertThrows(ConnectException.class, () -> Errno.check(-Errno.ECONNREFUSED, "x"));
        assertTrue(Errno.wouldBlock(-Errno.EAGAIN));
        assertTrue(Errno.wouldBlock(-Errno.EWOULDBLOCK));
    }
}
