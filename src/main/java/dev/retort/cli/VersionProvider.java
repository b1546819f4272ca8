package dev.retort.cli;

import dev.retort.engine.RetortVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code retort --version}: ours, the embedded PostgreSQL's major version, and the Java running us. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
                "retort " + RetortVersion.get(),
                "embedded PostgreSQL " + EmbeddedDatabase.MAJOR_VERSION + ", Java "
                        + System.getProperty("java.version")};
    }
}
