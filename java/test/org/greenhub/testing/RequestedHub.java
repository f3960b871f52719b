package org.greenhub.testing;

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
        if (NativeBuild.builtHere(hub)) {
            throw new IllegalStateException("the " + hub + " hub must load on Linux after a normal build: " + cause);
        }
        if (!announced) {
            announced = true;
            System.out.println("greenhub tests: SKIPPING the " + hub + " run: " + cause);
        }
        return ConditionEvaluationResult.disabled("hub " + hub + " unavailable: " + cause);
    }
}
