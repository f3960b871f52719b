/**
 * greenhub: Eventlet for the JVM. Green threads (JDK virtual threads whose scheduler
 * is a hub), the primitives, green sockets and the hubs over epoll, kqueue or a
 * java.nio Selector.
 *
 * <p>On the module path the JVM needs {@code --add-opens java.base/java.lang=org.greenhub}
 * (the scheduler hook) and, from JDK 24, {@code --enable-native-access=org.greenhub}.
 */
@SuppressWarnings("requires-automatic") // JNA's jar names its module in its manifest (Automatic-Module-Name)
module org.greenhub {
    requires com.sun.jna; // only to raise the open-files limit when the native core is absent
    requires java.management; // the hubs' MXBeans
    requires jdk.jfr;         // the org.greenhub.HubBlocked event

    exports org.greenhub;
    exports org.greenhub.debug;
    exports org.greenhub.green;
    exports org.greenhub.http;
    exports org.greenhub.hub;
    exports org.greenhub.net;
    exports org.greenhub.pools;
    exports org.greenhub.queue;
    exports org.greenhub.sync;

    // The hub MXBean interface and the JFR event class, for the modules that reflect on them.
    exports org.greenhub.internal.hub to java.management, jdk.jfr;

    uses org.greenhub.internal.hub.Failures;
    provides org.greenhub.internal.hub.Failures with org.greenhub.internal.spi.GreenFailures;
    provides java.net.spi.InetAddressResolverProvider with org.greenhub.internal.spi.GreenResolverProvider;
}
