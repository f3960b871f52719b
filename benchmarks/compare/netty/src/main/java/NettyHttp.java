import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Netty 4.1 HTTP hello world on one event-loop thread (accept and all I/O):
 * HttpServerCodec, then a handler that answers every request with a
 * FullHttpResponse "Hello, World!" (text/plain, Content-Length, keep-alive)
 * and flushes once per read, so a pipelined batch of requests is answered in one
 * write. Usage: NettyHttp epoll|nio PORT (listens on 127.0.0.1).
 */
public final class NettyHttp {
    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)));

    @ChannelHandler.Sharable
    static final class Hello extends NettyServers.FlushingHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest req) { // the body parts that follow (empty for GET) are dropped
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    FullHttpResponse resp = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                            BODY.duplicate());
                    resp.headers()
                            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.readableBytes());
                    if (!keepAlive) {
                        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        ctx.write(resp).addListener(ChannelFutureListener.CLOSE);
                    } else {
                        if (!req.protocolVersion().isKeepAliveDefault()) { // HTTP/1.0 asked for keep-alive
                            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                        }
                        ctx.write(resp);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        Hello hello = new Hello();
        NettyServers.serve(transport, port, 1, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), hello);
            }
        });
    }
}
