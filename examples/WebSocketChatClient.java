import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted client of {@code WebSocketChat} (ci/demo runs it), with the JDK's own
 * WebSocket client: alice and bob join the chat at the URL given, alice says hello, and
 * each prints the broadcast it receives.
 */
public class WebSocketChatClient {
    record Person(String name, WebSocket ws, BlockingQueue<String> heard) {
        String next() throws InterruptedException {
            String m = heard.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new IllegalStateException(name + " heard nothing for 10 s");
            }
            return m;
        }
    }

    static Person join(HttpClient http, URI chat, String name) throws Exception {
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(chat, new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    heard.add(text.toString());
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        Person p = new Person(name, ws, heard);
        System.out.println(name + " joined and got: " + p.next()); // the welcome: now in the broadcast set
        return p;
    }

    public static void main(String[] args) throws Exception {
        URI chat = URI.create(args.length > 0 ? args[0] : "ws://127.0.0.1:8080/chat");
        try (HttpClient http = HttpClient.newHttpClient()) {
            Person alice = join(http, chat, "alice");
            Person bob = join(http, chat, "bob");
            String hello = "hello from alice";
            alice.ws().sendText(hello, true).get(10, TimeUnit.SECONDS);
            for (Person p : new Person[] {bob, alice}) {
                String got = p.next();
                System.out.println(p.name() + " got the broadcast: " + got);
                if (!got.equals(hello)) {
                    throw new IllegalStateException(p.name() + " expected '" + hello + "', got '" + got + "'");
                }
            }
            for (Person p : new Person[] {alice, bob}) {
                p.ws().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            }
        }
    }
}
