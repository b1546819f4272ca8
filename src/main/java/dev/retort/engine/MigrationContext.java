package dev.retort.engine;

/** What a revision may do: execute SQL. The engine decides where it goes (a database, or offline text). */
@FunctionalInterface
public interface MigrationContext {

    /** Executes one SQL statement (several, separated by semicolons, are allowed but report errors less precisely). */
    void execute(String sql);
}
