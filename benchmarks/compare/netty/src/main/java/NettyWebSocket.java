import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty 4.1 WebSocket echo server on one event-loop thread (accept and all I/O):
 * HttpServerCodec, HttpObjectAggregator and WebSocketServerProtocolHandler (the opening
 * handshake on "/", pings, close), then a handler that writes every text frame back as
 * it came and flushes once per read. Other data frames are dropped. Usage:
 * NettyWebSocket epoll|nio PORT (listens on 127.0.0.1).
 */
public final class NettyWebSocket {
    @ChannelHandler.Sharable
    static final class Echo extends NettyServers.FlushingHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame) {
                ctx.write(msg); // the frame itself: FIN, no extension bits, its payload
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        Echo echo = new Echo();
        NettyServers.serve(transport, port, 1, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler("/"), echo);
            }
        });
    }
}
