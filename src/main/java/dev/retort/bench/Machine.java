package dev.retort.bench;

import java.lang.management.ManagementFactory;

/** What the numbers depend on besides the database: this machine's cores and how busy they are. */
final class Machine {

    private Machine() {
    }

    /** The one-minute load average, or -1 where the platform does not tell (Windows). */
    static double loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? -1 : Math.round(load * 100) / 100.0;
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
