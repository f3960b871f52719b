package org.greenhub.testing;

import java.util.Locale;
import org.greenhub.hub.Hubs;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The suite runs once per hub (-Dgreenhub.hub=epoll|kqueue|nio, see pom.xml). When
 * the requested hub cannot load on this machine, every test is skipped with the
 * cause printed (a machine without a C compiler builds no native hubs), but a
 * native hub whose library was built and still does not load fails the run.
 */
public final class RequestedHub implements ExecutionCondition {
    private static volatile boolean announced;

    /** Whether the build put this hub's library on the class path (Linux with a C compiler). */
    private static boolean builtHere(String hub) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        String arch = System.getProperty("os.arch", "");
        arch = arch.equals("amd64") ? "x86_64" : arch.equals("arm64") ? "aarch64" : arch;
        String lib = hub.equals("epoll") ? "libgreenhub.so" : hub.equals("kqueue") ? "libgreenhub-kqueue-shim.so" : null;
        return lib != null && RequestedHub.class.getResource("/META-INF/native/linux-" + arch + "/" + lib) != null;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String hub = System.getProperty("greenhub.hub");
        if (hub == null) {
            return ConditionEvaluationResult.enabled("default hub");
        }
        String cause = Hubs.unavailabilityCause(hub);
        if (cause == null) {
            if (!announced) {
                announced = true;
                System.out.println("greenhub tests: running on the " + hub + " hub");
            }
            return ConditionEvaluationResult.enabled("hub " + hub + " loads");
        }
        if (builtHere(hub)) {
            throw new IllegalStateException("the " + hub + " hub must load on Linux after a normal build: " + cause);
        }
        if (!announced) {
            announced = true;
            System.out.println("greenhub tests: SKIPPING the " + hub + " run: " + cause);
        }
        return ConditionEvaluationResult.disabled("hub " + hub + " unavailable: " + cause);
    }
}
