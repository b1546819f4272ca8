package dev.retort.cli;

import dev.retort.engine.Direction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "downgrade", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Downgrade the database to TARGET (e.g. -1, 002, base).",
        "",
        "Newest revision first, each in its own transaction, or online (statement by statement, indexes "
                + "dropped CONCURRENTLY) for revisions that alter tables that may hold data; statements wait for "
                + "locks at most --lock-timeout and are tried again, as for upgrade. A downgrade drops what its "
                + "revision created: the data in those tables and columns is lost. A target ahead of the current "
                + "revision is refused (exit 2)."})
final class DowngradeCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET",
            description = "base (undo every revision), a revision id such as 002, -N (N steps down from the current "
                    + "revision), or ID-N.")
    String target;

    @Mixin
    MigrationOptions options;

    @Override
    public Integer call() {
        return MigrationRun.execute(root, spec, target, Direction.DOWNGRADE, options);
    }
}
