package org.greenhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM with the test class path, the flags green threads
 * need and this run's hub: for behaviour that depends on what happens first in a JVM
 * (class initialization, a factory installed once).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * The JVM flags green threads need (ci/jvm.properties, handed to the test JVM by
     * pom.xml as the system property {@code greenhub.jvm.flags}).
     */
    public static List<String> jvmFlags() {
        String flags = System.getProperty("greenhub.jvm.flags");
        if (flags == null || flags.isBlank()) {
            throw new IllegalStateException("no -Dgreenhub.jvm.flags: run the tests through Maven (ci/test)");
        }
        return List.of(flags.trim().split("\\s+"));
    }

    /** What the child printed (stdout and stderr together) and how it ended. */
    public record Result(boolean ended, int exit, String output) {
    }

    /**
     * Runs {@code main} with {@code args}; a child still running after {@code limit} is
     * killed and reported as not ended.
     */
    public static Result run(Class<?> main, Duration limit, String... args) {
        return run(main, limit, List.of(), args);
    }

    /** {@link #run(Class, Duration, String...)} with more JVM options. */
    public static Result run(Class<?> main, Duration limit, List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add("-Dgreenhub.hub=" + System.getProperty("greenhub.hub", "nio"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("greenhub-child", ".log");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    p.destroyForcibly().waitFor();
                }
                return new Result(ended, ended ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM", e);
        }
    }
}
