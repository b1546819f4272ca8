package dev.retort.testing;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The PostgreSQL archive inside one of zonky's binaries jars, read from a file rather than from the classpath.
 *
 * <p>The classpath holds one version of an artifact, so majors other than the default come as jars copied by Maven
 * to target/pg-binaries. The entry is named as zonky's DefaultPostgresBinaryResolver names it:
 * {@code postgres-linux-x86_64.txz}, {@code postgres-darwin-arm_64.txz}. zonky caches unpacked binaries per
 * resolver; a record with the jar's path keeps one cache entry per jar.
 */
record PostgresBinariesJar(Path jar) implements PgBinaryResolver {

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        String name = ("postgres-" + system + "-" + ArchUtils.normalize(machineHardware) + ".txz")
                .replace(' ', '_').toLowerCase(Locale.ROOT);
        ZipFile zip = new ZipFile(jar.toFile());
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            List<String> entries = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
            zip.close();
            throw new IllegalStateException(jar + " has no " + name + " for this machine; it holds " + entries);
        }
        return new FilterInputStream(zip.getInputStream(entry)) {
            @Override
            public void close() throws IOException {
                try (zip) {
                    super.close();
                }
            }
        };
    }
}
