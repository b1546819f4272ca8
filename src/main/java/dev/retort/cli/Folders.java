package dev.retort.cli;

import java.nio.file.Path;

/**
 * The two folders Retort works in, which RETORT_HOME tells apart: the project, whose sources {@code revision} and
 * {@code snapshot --write} write into (the checkout the {@code retort} script is in), and the home, under which the
 * embedded PostgreSQL keeps its data ({@code .retort/}). Without RETORT_HOME they are the same folder.
 */
record Folders(Path project, Path home) {

    /** A checkout that keeps the embedded data inside itself, as {@code ./retort} does without RETORT_HOME. */
    static Folders of(Path checkout) {
        return new Folders(checkout, checkout);
    }

    /**
     * As the launcher passes them: {@code retort.project} is the script's own folder, {@code retort.home} is
     * RETORT_HOME or that folder. With neither (a bare {@code java -jar}), both are the working directory; with
     * {@code retort.home} alone, as before there was {@code retort.project}, both are that folder.
     */
    static Folders fromSystemProperties() {
        Path home = Path.of(System.getProperty("retort.home", "."));
        return new Folders(Path.of(System.getProperty("retort.project", home.toString())), home);
    }
}
