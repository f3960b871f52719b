package org.greenhub.internal.nativeio;

import java.nio.ByteBuffer;

/**
 * The socket system calls of native/src/sockets.c, registered in JNI_OnLoad. Each
 * returns a non-negative result or a negative errno; {@link Sockets} turns those into
 * results and exceptions. Descriptors are non-blocking and close-on-exec; addresses
 * are 4 or 16 bytes plus a port in, caller arrays out ({@code portOut[0]} the port,
 * {@code portOut[1]} the address length). EINTR is retried in C except for connect,
 * close and poll.
 */
final class SocketNatives {
    private SocketNatives() {
    }

    static native int socket(int family, int type);

    static native int bind(int fd, byte[] addr, int port);

    static native int listen(int fd, int backlog);

    static native int accept(int fd, byte[] addrOut, int[] portOut);

    static native int connect(int fd, byte[] addr, int port);

    static native int finishConnect(int fd);

    static native int read(int fd, long address, int len);

    static native int write(int fd, long address, int len);

    static native int recvfrom(int fd, long address, int len, byte[] addrOut, int[] portOut);

    static native int sendto(int fd, long address, int len, byte[] addr, int port);

    static native int shutdown(int fd, int how);

    static native int close(int fd);

    static native int setsockopt(int fd, int option, int value);

    static native int getsockopt(int fd, int option, int[] out);

    static native int getsockname(int fd, byte[] addrOut, int[] portOut);

    static native int getpeername(int fd, byte[] addrOut, int[] portOut);

    static native int poll(int fd, int events, int timeoutMs);

    static native long address(ByteBuffer directBuffer);
}
