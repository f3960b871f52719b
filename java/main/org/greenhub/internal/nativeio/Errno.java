package org.greenhub.internal.nativeio;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * The errno values the binding maps to exceptions, read by name from C at load (they
 * differ between Linux, macOS and BSD; C's table in native/src/greenhub.c is the one
 * list), and the mapping of the natives' negative errno results to java.net and
 * java.io exceptions. Only the binding sees errno: its wrappers throw.
 */
final class Errno {
    /** Stands for an errno the library did not report (never equal to a real one). */
    private static final int UNKNOWN = Integer.MIN_VALUE;

    static final int EAGAIN = value("EAGAIN"), EWOULDBLOCK = value("EWOULDBLOCK"),
            EINPROGRESS = value("EINPROGRESS"), ECONNREFUSED = value("ECONNREFUSED"),
            ETIMEDOUT = value("ETIMEDOUT"), ECONNRESET = value("ECONNRESET"), EADDRINUSE = value("EADDRINUSE"),
            EMFILE = value("EMFILE"), ENFILE = value("ENFILE"), EBADF = value("EBADF"), EPIPE = value("EPIPE"),
            ENOTCONN = value("ENOTCONN"), EADDRNOTAVAIL = value("EADDRNOTAVAIL"),
            ENETUNREACH = value("ENETUNREACH"), EHOSTUNREACH = value("EHOSTUNREACH"), EACCES = value("EACCES"),
            ECONNABORTED = value("ECONNABORTED"), EAFNOSUPPORT = value("EAFNOSUPPORT"),
            ENOTSOCK = value("ENOTSOCK"), EEXIST = value("EEXIST"), ENOENT = value("ENOENT");

    private Errno() {
    }

    /** The value of errno {@code name} on this OS, from C's table. */
    static int value(String name) {
        Integer v = NativeLibrary.errnoTable().get(name);
        return v == null ? UNKNOWN : v;
    }

    /** The symbolic name of {@code errno} (positive or negative), or null. */
    static String name(int errno) {
        int e = errno < 0 ? -errno : errno;
        for (var entry : NativeLibrary.errnoTable().entrySet()) {
            if (entry.getValue() == e) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** Whether the negative result {@code res} means "would block" (EAGAIN/EWOULDBLOCK). */
    static boolean wouldBlock(int res) {
        return res == -EAGAIN || res == -EWOULDBLOCK;
    }

    /** Returns {@code res} when non-negative, else throws its exception. */
    static int check(int res, String context) throws IOException {
        if (res < 0) {
            throw exception(res, context);
        }
        return res;
    }

    /** Returns {@code res} when non-negative, else throws its exception. */
    static long check(long res, String context) throws IOException {
        if (res < 0) {
            throw exception((int) res, context);
        }
        return res;
    }

    /**
     * The exception for the negative errno {@code res}. {@code context} is what was
     * being done or to whom, e.g. "127.0.0.1:8080" for a connect (may be null).
     */
    static IOException exception(int res, String context) {
        int e = res < 0 ? -res : res;
        String ctx = context == null || context.isEmpty() ? "" : ": " + context;
        if (e == ECONNREFUSED) {
            return new ConnectException("Connection refused" + ctx);
        }
        if (e == ETIMEDOUT) {
            return new ConnectException("Connection timed out" + ctx);
        }
        if (e == ECONNRESET) {
            return new SocketException("Connection reset" + ctx);
        }
        if (e == EPIPE) {
            return new SocketException("Broken pipe" + ctx);
        }
        if (e == ECONNABORTED) {
            return new SocketException("Connection aborted" + ctx);
        }
        if (e == EADDRINUSE) {
            return new BindException("Address already in use" + ctx);
        }
        if (e == EADDRNOTAVAIL) {
            return new BindException("Cannot assign requested address" + ctx);
        }
        if (e == EACCES && context != null) {
            return new SocketException("Permission denied" + ctx);
        }
        if (e == ENETUNREACH) {
            return new NoRouteToHostException("Network is unreachable" + ctx);
        }
        if (e == EHOSTUNREACH) {
            return new NoRouteToHostException("No route to host" + ctx);
        }
        if (e == EMFILE || e == ENFILE) {
            return new IOException("Too many open files" + ctx + " (raise the limit: ulimit -n)");
        }
        if (e == EBADF || e == ENOTSOCK) {
            return new SocketException("Socket closed (bad file descriptor)" + ctx);
        }
        if (e == ENOTCONN) {
            return new SocketException("Socket is not connected" + ctx);
        }
        if (e == EAFNOSUPPORT) {
            return new SocketException("Address family not supported" + ctx);
        }
        return new IOException(describe(e) + ctx);
    }

    /** strerror text plus the number, e.g. "Invalid argument (errno 22)". */
    static String describe(int errno) {
        int e = errno < 0 ? -errno : errno;
        String text = null;
        if (NativeLibrary.isLoaded()) {
            try {
                text = NativeLibrary.strerror(e);
            } catch (LinkageError ignored) {
                // fall through
            }
        }
        return (text == null ? "error" : text) + " (errno " + e + ")";
    }

    /** A {@link PortUnreachableException} for ECONNREFUSED on a datagram socket. */
    static IOException datagramException(int res, String context) {
        if (-res == ECONNREFUSED) {
            return new PortUnreachableException("ICMP port unreachable" + (context == null ? "" : ": " + context));
        }
        return exception(res, context);
    }
}
