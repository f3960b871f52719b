package org.greenhub.internal.hub;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The MXBean of one hub, registered and unregistered by the watchdog thread as hubs
 * start and close, so that a hub's start pays nothing for JMX.
 */
final class HubStats implements HubMXBean {
    private static final System.Logger LOG = System.getLogger("org.greenhub.debug");
    private static final Map<HubLoop, ObjectName> REGISTERED = new HashMap<>(); // watchdog thread only
    private final HubLoop hub;

    private HubStats(HubLoop hub) {
        this.hub = hub;
    }

    /** Registers the hubs that started and unregisters those that closed (watchdog thread). */
    static void sync() {
        MBeanServer server = null;
        for (HubLoop h : HubLoop.running()) {
            if (!REGISTERED.containsKey(h)) {
                try {
                    if (server == null) {
                        server = ManagementFactory.getPlatformMBeanServer();
                    }
                    ObjectName name = new ObjectName("org.greenhub:type=Hub,name=" + h.label());
                    server.registerMBean(new HubStats(h), name);
                    REGISTERED.put(h, name);
                } catch (JMException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "no MXBean for hub " + h.label(), e);
                    REGISTERED.put(h, null);
                }
            }
        }
        if (REGISTERED.size() > HubLoop.running().size()) {
            for (HubLoop h : new HashSet<>(REGISTERED.keySet())) {
                if (!HubLoop.running().contains(h)) {
                    ObjectName name = REGISTERED.remove(h);
                    if (name != null) {
                        try {
                            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
                        } catch (JMException e) {
                            LOG.log(System.Logger.Level.DEBUG, "could not unregister " + name, e);
                        }
                    }
                }
            }
        }
    }

    @Override
    public String getKind() {
        return hub.name();
    }

    @Override
    public String getCarrier() {
        Thread c = hub.carrier();
        return c == null ? "" : c.getName();
    }

    @Override
    public int getLiveGreenThreads() {
        return hub.liveCount();
    }

    @Override
    public int getRunQueueLength() {
        return hub.queued();
    }

    @Override
    public long getPasses() {
        return hub.passes();
    }

    @Override
    public long getPollWaits() {
        return hub.pollWaits();
    }

    @Override
    public int getPendingTimers() {
        return hub.pendingTimers();
    }

    @Override
    public long getStalls() {
        return hub.stalls.count;
    }

    @Override
    public long getLongestStallMillis() {
        return hub.stalls.longestNanos / 1_000_000;
    }

    @Override
    public String dumpGreenThreads() {
        return GreenThreadDump.of(java.util.List.of(hub));
    }
}
