package org.greenhub.green;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.greenhub.Green;
import org.greenhub.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK's socket pollers never run on a hub. A JDK socket wait of a virtual thread
 * is ended by the JDK's poller threads, which start on first use; started from a green
 * thread they would inherit its hub and stop with it, and every later JDK socket wait
 * in the JVM would hang. The first JDK socket use must therefore happen inside a green
 * thread, so each case runs in a fresh JVM.
 */
@Timeout(120)
class JdkPollersTest {

    /**
     * The child: an echo server on platform threads that answers after 30 ms (platform
     * threads block in the kernel, so it starts no JDK poller), and java.net.Socket
     * exchanges that must wait for that answer, without any timeout: three successive
     * Green.runs, two hubs at once, then a hub started after both ended.
     */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread.ofPlatform().daemon().start(() -> serve(server));
                int port = server.getLocalPort();
                for (int run = 1; run <= 3; run++) {
                    String msg = "run " + run;
                    check(msg, Green.run(() -> exchange(port, msg)));
                }
                ConcurrentLinkedQueue<String> replies = new ConcurrentLinkedQueue<>();
                List<Thread> both = new ArrayList<>();
                for (int hub = 1; hub <= 2; hub++) {
                    String msg = "concurrent hub " + hub;
                    both.add(Thread.ofPlatform().start(() -> replies.add(Green.run(() -> exchange(port, msg)))));
                }
                for (Thread t : both) {
                    t.join();
                }
                assertEquals(2, replies.size(), "both concurrent hubs got their replies: " + replies);
                check("after both", Green.run(() -> exchange(port, "after both")));
                System.out.println("all exchanges done, jdk.pollerMode=" + System.getProperty("jdk.pollerMode"));
            }
        }

        private static void check(String expected, String reply) {
            System.out.println("reply: " + reply);
            assertEquals(expected, reply);
        }

        /** A java.net.Socket exchange from a green thread: its read waits about 30 ms. */
        private static String exchange(int port, String msg) throws IOException {
            assertNotNull(Green.current(), "runs on a green thread");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write((msg + "\n").getBytes(StandardCharsets.UTF_8));
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            }
        }

        private static void serve(ServerSocket server) {
            while (true) {
                Socket c;
                try {
                    c = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofPlatform().daemon().start(() -> {
                    try (c) {
                        String line = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                        Thread.sleep(30);
                        OutputStream out = c.getOutputStream();
                        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException | InterruptedException e) {
                        // the client went away
                    }
                });
            }
        }
    }

    @Test
    void javaNetSocketWaitsWorkInEverySuccessiveAndConcurrentHub() {
        ChildJvm.Result r = ChildJvm.run(Probe.class, Duration.ofSeconds(90));
        expectAllExchanges(r);
        assertTrue(r.output().contains("jdk.pollerMode=1"), "greenhub chose platform poller threads:\n" + r.output());
    }

    /** The JDK's default mode on Linux, virtual-thread sub-pollers, chosen by the user: still off the hubs. */
    @Test
    void theSameWithVirtualThreadPollersChosenByTheUser() {
        ChildJvm.Result r = ChildJvm.run(Probe.class, Duration.ofSeconds(90), List.of("-Djdk.pollerMode=2"));
        expectAllExchanges(r);
        assertTrue(r.output().contains("jdk.pollerMode=2"), "the user's choice stands:\n" + r.output());
    }

    private static void expectAllExchanges(ChildJvm.Result r) {
        assertTrue(r.ended(), "a java.net.Socket read never woke (the JDK's pollers ran on an ended hub):\n" + r.output());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("all exchanges done"), r.output());
    }
}
