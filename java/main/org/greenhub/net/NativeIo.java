package org.greenhub.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.PollState;
import org.greenhub.internal.hub.Strand;
import org.greenhub.internal.nativeio.Errno;
import org.greenhub.internal.nativeio.Sockets;

/** {@link SocketIo} over a native non-blocking descriptor, for the epoll and kqueue hubs. */
final class NativeIo extends SocketIo {
    private static final ThreadLocal<ByteBuffer> PLAIN_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(HubLoop.SCRATCH_SIZE));

    private final int fd;
    private final PollState state;
    private final byte[] addrOut = new byte[16];
    private final int[] portOut = new int[2];
    private Addressed lastBuffer = Addressed.NONE;

    private NativeIo(int fd) {
        this.fd = fd;
        this.state = new PollState(fd);
    }

    static SocketIo open(Kind kind, boolean ipv6) throws IOException {
        int fd = Sockets.socket(ipv6 ? Sockets.AF_INET6 : Sockets.AF_INET,
                kind == Kind.DATAGRAM ? Sockets.SOCK_DGRAM : Sockets.SOCK_STREAM);
        return new NativeIo(Errno.check(fd, "socket"));
    }

    /**
     * A direct buffer and its native address. The last one used is kept because asking
     * JNI for it costs about 80 ns a call (measured on the echo benchmark) and servers
     * reuse one buffer per connection. Immutable, so threads reading and writing at
     * once never see one buffer with another's address; a direct buffer never moves.
     */
    private record Addressed(ByteBuffer buffer, long address) {
        static final Addressed NONE = new Addressed(null, 0);
    }

    private long nativeAddress(ByteBuffer direct) {
        Addressed a = lastBuffer;
        if (a.buffer != direct) {
            lastBuffer = a = new Addressed(direct, Sockets.address(direct));
        }
        return a.address;
    }

    /** A direct buffer to stage heap data: the hub's for a green thread, else the thread's own. */
    private static ByteBuffer scratch() {
        Strand g = Strand.currentGreen();
        return g != null ? g.hub().scratch() : PLAIN_SCRATCH.get().clear();
    }

    @Override
    PollState state() {
        return state;
    }

    @Override
    int read(ByteBuffer dst) throws IOException {
        if (state.readDrained()) {
            return 0;
        }
        int n;
        if (dst.isDirect()) {
            int requested = dst.remaining();
            n = Sockets.read(fd, nativeAddress(dst) + dst.position(), requested);
            state.afterRead(n, requested);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
        } else {
            ByteBuffer s = scratch();
            int requested = Math.min(dst.remaining(), s.capacity());
            n = Sockets.read(fd, nativeAddress(s), requested);
            state.afterRead(n, requested);
            if (n > 0) {
                dst.put(s.limit(n));
            }
        }
        if (n > 0) {
            return n;
        }
        if (n == 0) {
            return -1; // end of stream
        }
        if (Errno.wouldBlock(n)) {
            return 0;
        }
        throw Errno.exception(n, "read");
    }

    @Override
    int write(ByteBuffer src) throws IOException {
        int n;
        if (src.isDirect()) {
            n = Sockets.write(fd, nativeAddress(src) + src.position(), src.remaining());
        } else {
            ByteBuffer s = scratch();
            int len = Math.min(src.remaining(), s.capacity());
            s.put(0, src, src.position(), len);
            n = Sockets.write(fd, nativeAddress(s), len);
        }
        if (n >= 0) {
            src.position(src.position() + n);
            return n;
        }
        if (Errno.wouldBlock(n)) {
            return 0;
        }
        throw Errno.exception(n, "write");
    }

    @Override
    boolean startConnect(InetSocketAddress to) throws IOException {
        int r = Sockets.connect(fd, to.getAddress().getAddress(), to.getPort());
        if (r == 0) {
            return true;
        }
        if (r == -Errno.EINPROGRESS || Errno.wouldBlock(r)) {
            return false;
        }
        throw Errno.exception(r, to.toString());
    }

    @Override
    void finishConnect(InetSocketAddress to) throws IOException {
        Errno.check(Sockets.finishConnect(fd), to.toString());
    }

    @Override
    void bind(InetSocketAddress at, int backlog, boolean reusePort) throws IOException {
        if (backlog >= 0) {
            Errno.check(Sockets.setsockopt(fd, Sockets.SO_REUSEADDR, 1), "SO_REUSEADDR");
        }
        if (reusePort) {
            Errno.check(Sockets.setsockopt(fd, Sockets.SO_REUSEPORT, 1), "SO_REUSEPORT");
        }
        Errno.check(Sockets.bind(fd, at.getAddress().getAddress(), at.getPort()), at.toString());
        if (backlog >= 0) {
            Errno.check(Sockets.listen(fd, backlog), "listen " + at);
        }
    }

    @Override
    SocketIo accept() throws IOException {
        int r = Sockets.accept(fd, addrOut, portOut);
        if (r >= 0) {
            return new NativeIo(r);
        }
        if (Errno.wouldBlock(r)) {
            return null;
        }
        throw Errno.exception(r, "accept");
    }

    @Override
    InetSocketAddress receive(ByteBuffer dst) throws IOException {
        int n;
        if (dst.isDirect()) {
            n = Sockets.recvfrom(fd, nativeAddress(dst) + dst.position(), dst.remaining(), addrOut, portOut);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
        } else {
            ByteBuffer s = scratch();
            n = Sockets.recvfrom(fd, nativeAddress(s), Math.min(dst.remaining(), s.capacity()), addrOut, portOut);
            if (n > 0) {
                dst.put(s.limit(n));
            }
        }
        if (n >= 0) {
            return address(addrOut, portOut);
        }
        if (Errno.wouldBlock(n)) {
            return null;
        }
        throw Errno.exception(n, "recvfrom");
    }

    @Override
    int send(ByteBuffer src, InetSocketAddress to) throws IOException {
        int n;
        byte[] addr = to.getAddress().getAddress();
        if (src.isDirect()) {
            n = Sockets.sendto(fd, nativeAddress(src) + src.position(), src.remaining(), addr, to.getPort());
        } else {
            ByteBuffer s = scratch();
            int len = Math.min(src.remaining(), s.capacity());
            s.put(0, src, src.position(), len);
            n = Sockets.sendto(fd, nativeAddress(s), len, addr, to.getPort());
        }
        if (n >= 0) {
            src.position(src.position() + n);
            return n;
        }
        if (Errno.wouldBlock(n)) {
            return 0;
        }
        throw Errno.exception(n, "sendto " + to);
    }

    @Override
    void shutdownOutput() throws IOException {
        Errno.check(Sockets.shutdown(fd, Sockets.SHUT_WR), "shutdown");
    }

    @Override
    void close() {
        Sockets.close(fd);
    }

    @Override
    InetSocketAddress localAddress() throws IOException {
        Errno.check(Sockets.getsockname(fd, addrOut, portOut), "getsockname");
        return address(addrOut, portOut);
    }

    @Override
    InetSocketAddress remoteAddress() throws IOException {
        int r = Sockets.getpeername(fd, addrOut, portOut);
        return r < 0 ? null : address(addrOut, portOut);
    }

    private static InetSocketAddress address(byte[] addr, int[] port) throws IOException {
        int len = port[1];
        if (len != 4 && len != 16) {
            return null;
        }
        byte[] raw = len == 4 ? new byte[] {addr[0], addr[1], addr[2], addr[3]} : addr.clone();
        return new InetSocketAddress(InetAddress.getByAddress(raw), port[0]);
    }

    @Override
    <T> void setOption(SocketOption<T> option, T value) throws IOException {
        int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
        Errno.check(Sockets.setsockopt(fd, code(option), v), option.name());
    }

    @Override
    @SuppressWarnings("unchecked")
    <T> T getOption(SocketOption<T> option) throws IOException {
        int[] out = new int[1];
        Errno.check(Sockets.getsockopt(fd, code(option), out), option.name());
        return option.type() == Boolean.class ? (T) Boolean.valueOf(out[0] != 0) : (T) Integer.valueOf(out[0]);
    }

    private static int code(SocketOption<?> o) throws SocketException {
        if (o == StandardSocketOptions.SO_REUSEADDR) {
            return Sockets.SO_REUSEADDR;
        } else if (o == StandardSocketOptions.SO_REUSEPORT) {
            return Sockets.SO_REUSEPORT;
        } else if (o == StandardSocketOptions.TCP_NODELAY) {
            return Sockets.TCP_NODELAY;
        } else if (o == StandardSocketOptions.SO_KEEPALIVE) {
            return Sockets.SO_KEEPALIVE;
        } else if (o == StandardSocketOptions.SO_RCVBUF) {
            return Sockets.SO_RCVBUF;
        } else if (o == StandardSocketOptions.SO_SNDBUF) {
            return Sockets.SO_SNDBUF;
        } else if (o == StandardSocketOptions.SO_LINGER) {
            return Sockets.SO_LINGER;
        } else if (o == StandardSocketOptions.SO_BROADCAST) {
            return Sockets.SO_BROADCAST;
        }
        throw new UnsupportedOperationException("socket option " + o.name() + " is not supported by greenhub's native sockets");
    }

    static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }
}
