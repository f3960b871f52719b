import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
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

/**
 * Netty 4.1 TCP echo server on one event-loop thread (accept and all I/O).
 * Usage: NettyEcho epoll|nio PORT (listens on 127.0.0.1).
 */
public final class NettyEcho {
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        EventLoopGroup group;
        Class<? extends ServerChannel> channel;
        if (transport.equals("epoll")) {
            Epoll.ensureAvailability();
            group = new EpollEventLoopGroup(1);
            channel = EpollServerSocketChannel.class;
        } else if (transport.equals("nio")) {
            group = new NioEventLoopGroup(1);
            channel = NioServerSocketChannel.class;
        } else {
            throw new IllegalArgumentException("transport must be epoll or nio: " + transport);
        }
        Echo echo = new Echo();
        try {
            ChannelFuture bound = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(echo)
                    .bind("127.0.0.1", port)
                    .sync();
            bound.channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
