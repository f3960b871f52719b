package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import org.greenhub.internal.hub.HubLoop;
import org.greenhub.internal.hub.PollState;
import org.greenhub.internal.hub.Strand;
import org.greenhub.internal.nativeio.Sockets;

/**
 * A socket of every kind over a native non-blocking descriptor, for the epoll and kqueue
 * hubs: a descriptor is the same whatever it carries, so one class serves streams,
 * listeners and datagrams.
 */
final class NativeIo implements ConnectingIo, ListenerIo, DatagramIo {
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

    static NativeIo open(boolean ipv6, boolean datagram) throws IOException {
        return new NativeIo(Sockets.open(ipv6, datagram));
    }

    static NativeIo listener(InetSocketAddress at, int backlog, boolean reusePort) throws IOException {
        return open(SocketIo.isIpv6(at), false).bound(at, backlog, reusePort);
    }

    static NativeIo datagram(InetSocketAddress at) throws IOException {
        return open(SocketIo.isIpv6(at), true).bound(at, -1, false);
    }

    /** Binds (and listens, for a backlog >= 0); closes the descriptor when that fails. */
    private NativeIo bound(InetSocketAddress at, int backlog, boolean reusePort) throws IOException {
        try {
            if (backlog >= 0) {
                Sockets.setOption(fd, Sockets.SO_REUSEADDR, 1, "SO_REUSEADDR");
            }
            if (reusePort) {
                Sockets.setOption(fd, Sockets.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            Sockets.bind(fd, at);
            if (backlog >= 0) {
                Sockets.listen(fd, backlog, at);
            }
            return this;
        } catch (Throwable t) {
            close();
            throw t;
        }
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

    // Staging, the one way heap buffers meet native calls: a direct buffer is used in
    // place; a heap buffer goes through the scratch buffer, copied after a read and
    // before a write, at most its 64 KiB per call.

    /** The buffer a read lands in: {@code dst} itself, or the scratch buffer limited to what {@code dst} can take. */
    private static ByteBuffer into(ByteBuffer dst) {
        return dst.isDirect() ? dst : scratch().limit(Math.min(dst.remaining(), HubLoop.SCRATCH_SIZE));
    }

    /** Moves {@code n} bytes read into {@code via} over to {@code dst}. */
    private static void landed(ByteBuffer dst, ByteBuffer via, int n) {
        if (n <= 0) {
            return;
        }
        if (via == dst) {
            dst.position(dst.position() + n);
        } else {
            dst.put(via.limit(n));
        }
    }

    /** The buffer a write takes its bytes from: {@code src} itself, or a scratch copy of its first bytes. */
    private static ByteBuffer from(ByteBuffer src) {
        if (src.isDirect()) {
            return src;
        }
        int len = Math.min(src.remaining(), HubLoop.SCRATCH_SIZE);
        return scratch().put(0, src, src.position(), len).limit(len);
    }

    /** The native address of {@code b}'s position. */
    private long at(ByteBuffer b) {
        return nativeAddress(b) + b.position();
    }

    @Override
    public PollState state() {
        return state;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (state.readDrained()) {
            return 0;
        }
        ByteBuffer via = into(dst);
        int requested = via.remaining();
        int n = Sockets.read(fd, at(via), requested);
        state.afterRead(n, requested);
        landed(dst, via, n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer via = from(src);
        int n = Sockets.write(fd, at(via), via.remaining());
        src.position(src.position() + n);
        return n;
    }

    @Override
    public boolean startConnect(InetSocketAddress to) throws IOException {
        return Sockets.connect(fd, to);
    }

    @Override
    public void finishConnect(InetSocketAddress to) throws IOException {
        Sockets.finishConnect(fd, to);
    }

    @Override
    public StreamIo accept() throws IOException {
        int c = Sockets.accept(fd, addrOut, portOut);
        return c < 0 ? null : new NativeIo(c);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        ByteBuffer via = into(dst);
        int n = Sockets.receive(fd, at(via), via.remaining(), addrOut, portOut);
        landed(dst, via, n);
        return n < 0 ? null : Sockets.address(addrOut, portOut);
    }

    @Override
    public int send(ByteBuffer src, InetSocketAddress to) throws IOException {
        ByteBuffer via = from(src);
        int n = Sockets.send(fd, at(via), via.remaining(), to);
        if (n < 0) {
            return 0;
        }
        src.position(src.position() + n);
        return n;
    }

    @Override
    public boolean shutdownOutput() throws IOException {
        Sockets.shutdownOutput(fd);
        return true;
    }

    @Override
    public void close() {
        Sockets.close(fd);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return Sockets.localAddress(fd, addrOut, portOut);
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return Sockets.remoteAddress(fd, addrOut, portOut);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
        Sockets.setOption(fd, code(option), v, option.name());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        int v = Sockets.getOption(fd, code(option), option.name());
        return option.type() == Boolean.class ? (T) Boolean.valueOf(v != 0) : (T) Integer.valueOf(v);
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

}
