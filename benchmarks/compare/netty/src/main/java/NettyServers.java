import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** The one bootstrap of the Netty peers: {@code loops} event loops of a transport, listening on 127.0.0.1. */
final class NettyServers {
    /**
     * What every peer's handler does besides its own reads: flush once per read (a
     * pipelined batch goes out in one write) and close the connection on an error.
     */
    abstract static class FlushingHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private NettyServers() {
    }

    /** Serves {@code childHandler} on 127.0.0.1:{@code port} until the process ends. */
    static void serve(String transport, int port, int loops, ChannelHandler childHandler) throws InterruptedException {
        EventLoopGroup group;
        Class<? extends ServerChannel> channel;
        if (transport.equals("epoll")) {
            Epoll.ensureAvailability();
            group = new EpollEventLoopGroup(loops);
            channel = EpollServerSocketChannel.class;
        } else if (transport.equals("nio")) {
            group = new NioEventLoopGroup(loops);
            channel = NioServerSocketChannel.class;
        } else {
            throw new IllegalArgumentException("transport must be epoll or nio: " + transport);
        }
        try {
            new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(childHandler)
                    .bind("127.0.0.1", port)
                    .sync()
                    .channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
