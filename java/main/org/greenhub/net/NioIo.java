package org.greenhub.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.greenhub.internal.hub.PollState;

/** {@link SocketIo} over a non-blocking java.nio channel, for the nio hub. */
final class NioIo extends SocketIo {
    private final SelectableChannel channel;
    private final PollState state;

    private NioIo(SelectableChannel channel) throws IOException {
        channel.configureBlocking(false);
        this.channel = channel;
        this.state = new PollState(channel);
    }

    static SocketIo open(Kind kind, boolean ipv6) throws IOException {
        StandardProtocolFamily family = ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        return new NioIo(switch (kind) {
            case STREAM -> SocketChannel.open(family);
            case LISTENER -> ServerSocketChannel.open(family);
            case DATAGRAM -> DatagramChannel.open(family);
        });
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
        int requested = dst.remaining();
        int n = ((SocketChannel) channel).read(dst);
        state.afterRead(n, requested);
        return n;
    }

    @Override
    int write(ByteBuffer src) throws IOException {
        return ((SocketChannel) channel).write(src);
    }

    @Override
    boolean startConnect(InetSocketAddress to) throws IOException {
        return ((SocketChannel) channel).connect(to);
    }

    @Override
    void finishConnect(InetSocketAddress to) throws IOException {
        try {
            if (!((SocketChannel) channel).finishConnect()) {
                throw new java.net.ConnectException("Connection not established: " + to);
            }
        } catch (java.net.ConnectException e) {
            throw new java.net.ConnectException(e.getMessage() + ": " + to);
        }
    }

    @Override
    void bind(InetSocketAddress at, int backlog, boolean reusePort) throws IOException {
        NetworkChannel ch = (NetworkChannel) channel;
        if (reusePort) {
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        if (channel instanceof ServerSocketChannel server) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(at, backlog);
        } else {
            ch.bind(at);
        }
    }

    @Override
    SocketIo accept() throws IOException {
        SocketChannel c = ((ServerSocketChannel) channel).accept();
        return c == null ? null : new NioIo(c);
    }

    @Override
    InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return (InetSocketAddress) ((DatagramChannel) channel).receive(dst);
    }

    @Override
    int send(ByteBuffer src, InetSocketAddress to) throws IOException {
        return ((DatagramChannel) channel).send(src, to);
    }

    @Override
    void shutdownOutput() throws IOException {
        ((SocketChannel) channel).shutdownOutput();
    }

    @Override
    void close() throws IOException {
        channel.close();
    }

    @Override
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) ((NetworkChannel) channel).getLocalAddress();
    }

    @Override
    InetSocketAddress remoteAddress() throws IOException {
        return channel instanceof SocketChannel s ? (InetSocketAddress) s.getRemoteAddress()
                : channel instanceof DatagramChannel d ? (InetSocketAddress) d.getRemoteAddress() : null;
    }

    @Override
    <T> void setOption(SocketOption<T> option, T value) throws IOException {
        ((NetworkChannel) channel).setOption(option, value);
    }

    @Override
    <T> T getOption(SocketOption<T> option) throws IOException {
        return ((NetworkChannel) channel).getOption(option);
    }
}
