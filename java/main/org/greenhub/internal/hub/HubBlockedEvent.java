package org.greenhub.internal.hub;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A JFR event per hub stall the blocking detector saw, committed when the stall ends. */
@Name("org.greenhub.HubBlocked")
@Label("Hub Blocked")
@Category("greenhub")
@Description("A green thread or timer callback held its hub past the blocking threshold without yielding")
@StackTrace(false)
public final class HubBlockedEvent extends jdk.jfr.Event {
    @Label("Hub")
    public String hub;

    @Label("Green Thread")
    @Description("The green thread (or timer callback) that held the hub")
    public String greenThread;

    @Label("Stall Duration")
    @Timespan(Timespan.NANOSECONDS)
    public long stallDuration;

    @Label("Stack")
    @Description("The offender's stack when the stall was reported")
    public String stack;
}
