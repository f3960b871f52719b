package org.greenhub.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NativeLibraryTest {
    @Test
    void normalizesPlatformNames() {
        assertEquals("linux", NativeLibrary.normalizeOs("Linux"));
        assertEquals("macos", NativeLibrary.normalizeOs("Mac OS X"));
        assertEquals("freebsd", NativeLibrary.normalizeOs("FreeBSD"));
        assertEquals("x86_64", NativeLibrary.normalizeArch("amd64"));
        assertEquals("aarch64", NativeLibrary.normalizeArch("arm64"));
        assertEquals("riscv64", NativeLibrary.normalizeArch("riscv64"));
    }

    @Test
    void loadsOnThisMachine() {
        NativeTesting.requireLibrary();
        assertTrue(NativeLibrary.isLoaded());
        String p = NativeLibrary.platform();
        if (p.startsWith("linux-")) {
            assertNull(NativeLibrary.unavailabilityCause("epoll"));
            // The tests' class path carries the kqueue shim.
            assertNull(NativeLibrary.unavailabilityCause("kqueue"), "kqueue shim should load in tests");
        } else {
            assertEquals("epoll is Linux-only (this is " + p + ")", NativeLibrary.unavailabilityCause("epoll"));
            assertNull(NativeLibrary.unavailabilityCause("kqueue"));
        }
        assertNull(NativeLibrary.unavailabilityCause("nio"));
        assertNotNull(NativeLibrary.unavailabilityCause("iocp"));
        assertNotNull(NativeLibrary.unavailabilityCause(null));
    }

    @Test
    void errnoConstantsComeFromC() {
        NativeTesting.requireLibrary();
        assertTrue(Errno.EAGAIN > 0 && Errno.EINPROGRESS > 0 && Errno.value("EINTR") > 0);
        assertEquals("EINPROGRESS", Errno.name(-Errno.EINPROGRESS));
        int einval = Errno.value("EINVAL");
        assertTrue(Errno.describe(einval).contains("(errno " + einval + ")"));
        // Every errno the Java side names is in C's table.
        for (java.lang.reflect.Field f : Errno.class.getDeclaredFields()) {
            if (f.getType() == int.class && f.getName().startsWith("E") && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                assertTrue(NativeLibrary.errnoTable().containsKey(f.getName()), f.getName() + " is not in C's errno table");
            }
        }
    }

    /** The scripts' platform name (cmake/platform.sh, where the build puts the library) is Java's. */
    @Test
    void theBuildAndTheLoaderNameThePlatformAlike() throws Exception {
        java.nio.file.Path script = java.nio.file.Path.of("cmake", "platform.sh");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(script)
                && java.nio.file.Files.isExecutable(java.nio.file.Path.of("/bin/bash")), "needs bash and the repository's cmake/platform.sh");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        if (p.exitValue() == 0) {
            assertEquals(NativeLibrary.platform(), out);
        } else {
            assertNotNull(NativeLibrary.unavailabilityCause("epoll"), "no native platform for the scripts, none for Java");
        }
    }

    @Test
    void readinessBitsAreCsOwn() {
        NativeTesting.requireLibrary();
        assertArrayEquals(new int[] {Readiness.READ, Readiness.WRITE, Readiness.ERROR}, NativeLibrary.readinessBits());
    }

    @Test
    void raisingTheOpenFilesLimitIsIdempotent() {
        NativeLibrary.raiseOpenFilesLimit();
        NativeLibrary.raiseOpenFilesLimit();
        String p = NativeLibrary.platform();
        if (p.startsWith("linux-") || p.startsWith("macos-")) {
            // The fallback used when libgreenhub is absent.
            assertTrue(NativeLibrary.raiseWithJna(), "JNA getrlimit/setrlimit failed");
        }
    }

    @Test
    void virtualThreadBuilderRunsOnTheGivenScheduler() throws Exception {
        NativeTesting.requireLibrary();
        ExecutorService carrier = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-carrier"));
        try {
            AtomicInteger submitted = new AtomicInteger();
            Executor scheduler = task -> {
                submitted.incrementAndGet();
                carrier.execute(task);
            };
            Thread.Builder.OfVirtual builder = NativeLibrary.newVirtualThreadBuilder(scheduler);
            AtomicReference<String> carrierName = new AtomicReference<>();
            AtomicReference<Boolean> virtual = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread t = builder.name("green-1").start(() -> {
                virtual.set(Thread.currentThread().isVirtual());
                carrierName.set(currentCarrierName());
                done.countDown();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            t.join();
            assertTrue(virtual.get());
            assertTrue(submitted.get() >= 1, "the scheduler was not used");
            assertEquals("test-carrier", carrierName.get());
            assertSame(Thread.State.TERMINATED, t.getState());
        } finally {
            carrier.shutdownNow();
        }
    }

    /** The carrier's name, read from the virtual thread's toString ("...@carrier"). */
    private static String currentCarrierName() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? s : s.substring(at + 1);
    }
}
