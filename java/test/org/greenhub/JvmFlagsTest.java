package org.greenhub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.greenhub.hub.Hubs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Green threads need the JDK's scheduler hook: {@code --add-opens java.base/java.lang=ALL-UNNAMED},
 * or the native library, which reaches it through JNI. Without either, the first use
 * fails with a message naming the flag. Each case runs in a fresh JVM.
 */
@Timeout(60)
class JvmFlagsTest {

    /** The probe the child JVM runs: one green thread, prints the hub's name. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("probe ran on " + Green.run(() -> Green.spawn(() -> Green.hub().name()).await()));
        }
    }

    private static Result runProbe(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, location(Green.class), location(Probe.class),
                location(com.sun.jna.Native.class)));
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "probe JVM ended");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    record Result(int exit, String output) {
    }

    @Test
    void withTheFlagGreenThreadsRun() throws Exception {
        Result r = runProbe("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Dgreenhub.hub=nio");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("probe ran on nio"), r.output());
    }

    @Test
    void withoutTheFlagNorTheNativeLibraryTheFirstUseNamesTheFlag() throws Exception {
        Result r = runProbe("-Dgreenhub.native=false", "-Dgreenhub.hub=nio");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("--add-opens java.base/java.lang=ALL-UNNAMED"), r.output());
    }

    @Test
    void withoutTheFlagTheNativeLibraryReachesTheHook() throws Exception {
        String hub = System.getProperty("greenhub.hub", "nio");
        String cause = Hubs.unavailabilityCause("epoll");
        Assumptions.assumeTrue(cause == null, () -> "no native library to reach the hook: " + cause);
        Result r = runProbe("--enable-native-access=ALL-UNNAMED", "-Dgreenhub.hub=" + (hub.equals("kqueue") ? "nio" : hub));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("probe ran on"), r.output());
    }
}
