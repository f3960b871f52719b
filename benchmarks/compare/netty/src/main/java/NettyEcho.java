import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;

/**
 * Netty 4.1 TCP echo server on one event-loop thread (accept and all I/O), or on
 * {@code --loops N}: the listener on one of them, connections spread over all N round
 * robin. {@code --work ROUNDS} (the cpu-echo workload): a FixedLengthFrameDecoder cuts
 * 64-byte requests, and each is run through {@link Work} before it is echoed.
 * Usage: NettyEcho epoll|nio PORT [--loops N] [--work ROUNDS] (listens on 127.0.0.1).
 */
public final class NettyEcho {
    @ChannelHandler.Sharable
    static final class Echo extends NettyServers.FlushingHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }
    }

    /** The cpu-echo handler, one per connection (its Work is): whole requests from the decoder. */
    static final class CpuEcho extends NettyServers.FlushingHandler {
        private final Work work;

        CpuEcho(int rounds) {
            work = new Work(rounds);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            work.run(((ByteBuf) msg).nioBuffer());
            ctx.write(msg);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int loops = 1, rounds = 0;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--loops" -> loops = Integer.parseInt(args[++i]);
                case "--work" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int work = rounds;
        ChannelHandler handler = work == 0 ? new Echo() : new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new FixedLengthFrameDecoder(Work.MESSAGE), new CpuEcho(work));
            }
        };
        NettyServers.serve(transport, port, loops, handler);
    }
}
