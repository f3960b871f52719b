package org.greenhub.net;

import java.io.IOException;
import java.net.ConnectException;
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

/** Sockets over non-blocking java.nio channels, for the nio hub: one class per kind of channel. */
abstract class NioIo<C extends SelectableChannel & NetworkChannel> implements SocketIo {
    final C channel;
    private final PollState state;

    private NioIo(C channel) throws IOException {
        channel.configureBlocking(false);
        this.channel = channel;
        this.state = new PollState(channel);
    }

    static ConnectingIo stream(boolean ipv6) throws IOException {
        return new Stream(SocketChannel.open(family(ipv6)));
    }

    static ListenerIo listener(InetSocketAddress at, int backlog, boolean reusePort) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(family(SocketIo.isIpv6(at)));
        try {
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(at, backlog);
            return new Listener(ch);
        } catch (Throwable t) {
            ch.close();
            throw t;
        }
    }

    static DatagramIo datagram(InetSocketAddress at) throws IOException {
        DatagramChannel ch = DatagramChannel.open(family(SocketIo.isIpv6(at)));
        try {
            ch.bind(at);
            return new Datagram(ch);
        } catch (Throwable t) {
            ch.close();
            throw t;
        }
    }

    private static StandardProtocolFamily family(boolean ipv6) {
        return ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public PollState state() {
        return state;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        channel.setOption(option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return channel.getOption(option);
    }

    /** A TCP connection. */
    static final class Stream extends NioIo<SocketChannel> implements ConnectingIo {
        Stream(SocketChannel channel) throws IOException {
            super(channel);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            PollState s = state();
            if (s.readDrained()) {
                return 0;
            }
            int requested = dst.remaining();
            int n = channel.read(dst);
            s.afterRead(n, requested);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean startConnect(InetSocketAddress to) throws IOException {
            return channel.connect(to);
        }

        @Override
        public void finishConnect(InetSocketAddress to) throws IOException {
            try {
                if (!channel.finishConnect()) {
                    throw new ConnectException("Connection not established: " + to);
                }
            } catch (ConnectException e) {
                throw new ConnectException(e.getMessage() + ": " + to);
            }
        }

        @Override
        public boolean shutdownOutput() throws IOException {
            channel.shutdownOutput();
            return true;
        }

        @Override
        public InetSocketAddress remoteAddress() throws IOException {
            return (InetSocketAddress) channel.getRemoteAddress();
        }
    }

    /** A listening TCP socket. */
    static final class Listener extends NioIo<ServerSocketChannel> implements ListenerIo {
        Listener(ServerSocketChannel channel) throws IOException {
            super(channel);
        }

        @Override
        public StreamIo accept() throws IOException {
            SocketChannel c = channel.accept();
            return c == null ? null : new Stream(c);
        }
    }

    /** A UDP socket. */
    static final class Datagram extends NioIo<DatagramChannel> implements DatagramIo {
        Datagram(DatagramChannel channel) throws IOException {
            super(channel);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer dst) throws IOException {
            return (InetSocketAddress) channel.receive(dst);
        }

        @Override
        public int send(ByteBuffer src, InetSocketAddress to) throws IOException {
            return channel.send(src, to);
        }
    }
}
