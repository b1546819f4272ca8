package dev.retort.cli;

import dev.retort.engine.Direction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "upgrade", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Upgrade the database to TARGET (e.g. head, 003, +1).",
        "",
        "A revision that creates new tables runs in one transaction. One that alters tables that may hold data "
                + "(004-006) runs online: each statement in a short transaction of its own, indexes built "
                + "CONCURRENTLY, constraints added NOT VALID and then validated, so live traffic is never blocked "
                + "for long. Either way a failed revision is rolled back or undone, leaving the database at the "
                + "revision before it, and a rerun after a crash finishes the job.",
        "",
        "Every statement waits for table locks at most --lock-timeout, then is tried again (--lock-retries), "
                + "naming the sessions that blocked it. A lock on the database makes sure two runners never apply "
                + "the same revision; a target behind the current revision changes nothing.",
        "",
        "Retort keeps the revision in alembic_version (Alembic's table: a database Alembic migrated is picked "
                + "up as it is) and each step in retort_history, and creates both when missing."})
final class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET",
            description = "head, a revision id such as 003, +N (N steps up from the current revision), or ID+N.")
    String target;

    @Mixin
    MigrationOptions options;

    @Override
    public Integer call() {
        return MigrationRun.execute(root, spec, target, Direction.UPGRADE, options);
    }
}
