package dev.retort.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Retort's own version, from the properties file Maven filters at build time. */
public final class RetortVersion {

    private static final String VERSION = load();

    private RetortVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = RetortVersion.class.getResourceAsStream("/dev/retort/retort.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
