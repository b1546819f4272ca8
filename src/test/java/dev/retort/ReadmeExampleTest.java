package dev.retort;

import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's library example, taken from the README itself, compiles and migrates a real database. */
class ReadmeExampleTest {

    @TempDir
    Path classes;

    @Test
    void theReadmesLibraryExampleCompilesAndMigratesToHead() throws Exception {
        List<String> lines = javaExample().lines().toList();
        String imports = String.join("\n", lines.stream().filter(line -> line.startsWith("import ")).toList());
        String body = String.join("\n", lines.stream().filter(line -> !line.startsWith("import ")).toList());
        Path source = classes.resolve("ReadmeExample.java");
        Files.writeString(source, imports + "\npublic class ReadmeExample {\n"
                + "    public static void run(javax.sql.DataSource dataSource) {\n" + body + "\n    }\n}\n");
        compile(source);
        TestDatabase database = TestPostgres.newDatabase("readme_example");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            loader.loadClass("ReadmeExample").getMethod("run", DataSource.class).invoke(null, database.dataSource());
        }

        assertThat(Retort.using(database.dataSource()).current()).isEqualTo(ProjectHead.id());
        assertThat(lines).hasSizeLessThanOrEqualTo(6);
    }

    private static String javaExample() throws IOException {
        Matcher block = Pattern.compile("## As a library.*?```java\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("README.md")));
        assertThat(block.find()).as("a java block under '## As a library' in README.md").isTrue();
        return block.group(1).strip();
    }

    private void compile(Path source) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int result = compiler.run(null, null, errors, "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), source.toString());
        assertThat(result).as(errors.toString()).isZero();
    }
}
