package org.greenhub.internal.nativeio;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * errno values (read from C at load: they differ between Linux, macOS and BSD) and
 * the mapping of the natives' negative errno results to java.net / java.io exceptions.
 */
public final class Errno {
    // Order must match errno_values() in native/src/greenhub.c.
    private static final String[] NAMES = {"EAGAIN", "EWOULDBLOCK", "EINPROGRESS", "EINTR",
        "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EADDRINUSE", "EMFILE", "ENFILE", "EBADF",
        "EPIPE", "ENOENT", "ENOTCONN", "EADDRNOTAVAIL", "ENETUNREACH", "EHOSTUNREACH", "EALREADY",
        "EISCONN", "EACCES", "EINVAL", "ECONNABORTED", "EAFNOSUPPORT", "ENOTSOCK", "EPERM", "EEXIST"};
    private static final int[] LINUX = {11, 11, 115, 4, 111, 110, 104, 98, 24, 23, 9, 32, 2, 107,
        99, 101, 113, 114, 106, 13, 22, 103, 97, 88, 1, 17};
    private static final int[] BSD = {35, 35, 36, 4, 61, 60, 54, 48, 24, 23, 9, 32, 2, 57,
        49, 51, 65, 37, 56, 13, 22, 53, 47, 38, 1, 17};
    private static final int[] V = values();

    public static final int EAGAIN = V[0], EWOULDBLOCK = V[1], EINPROGRESS = V[2], EINTR = V[3],
            ECONNREFUSED = V[4], ETIMEDOUT = V[5], ECONNRESET = V[6], EADDRINUSE = V[7],
            EMFILE = V[8], ENFILE = V[9], EBADF = V[10], EPIPE = V[11], ENOENT = V[12],
            ENOTCONN = V[13], EADDRNOTAVAIL = V[14], ENETUNREACH = V[15], EHOSTUNREACH = V[16],
            EALREADY = V[17], EISCONN = V[18], EACCES = V[19], EINVAL = V[20],
            ECONNABORTED = V[21], EAFNOSUPPORT = V[22], ENOTSOCK = V[23], EPERM = V[24], EEXIST = V[25];

    private Errno() {
    }

    private static int[] values() {
        int[] v = NativeLibrary.loadedErrnoValues();
        if (v != null && v.length == NAMES.length) {
            return v;
        }
        boolean bsd = NativeLibrary.OS.matches("macos|freebsd");
        return (bsd ? BSD : LINUX).clone();
    }

    /** The symbolic name of {@code errno} (positive or negative), or null. */
    public static String name(int errno) {
        int e = errno < 0 ? -errno : errno;
        for (int i = 0; i < NAMES.length; i++) {
            if (V[i] == e) {
                return NAMES[i];
            }
        }
        return null;
    }

    /** Whether the negative result {@code res} means "would block" (EAGAIN/EWOULDBLOCK). */
    public static boolean wouldBlock(int res) {
        return res == -EAGAIN || res == -EWOULDBLOCK;
    }

    /** Returns {@code res} when non-negative, else throws its exception. */
    public static int check(int res, String context) throws IOException {
        if (res < 0) {
            throw exception(res, context);
        }
        return res;
    }

    /** Returns {@code res} when non-negative, else throws its exception. */
    public static long check(long res, String context) throws IOException {
        if (res < 0) {
            throw exception((int) res, context);
        }
        return res;
    }

    /**
     * The exception for the negative errno {@code res}. {@code context} is what was
     * being done or to whom, e.g. "127.0.0.1:8080" for a connect (may be null).
     */
    public static IOException exception(int res, String context) {
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
            return new IOException("Too many open files" + ctx
                    + " (raise the limit: ulimit -n, or NativeLibrary.raiseOpenFilesLimit())");
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
    public static String describe(int errno) {
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
    public static IOException datagramException(int res, String context) {
        if (-res == ECONNREFUSED) {
            return new PortUnreachableException("ICMP port unreachable" + (context == null ? "" : ": " + context));
        }
        return exception(res, context);
    }
}
