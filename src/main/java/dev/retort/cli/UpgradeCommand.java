package dev.retort.cli;

import dev.retort.engine.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "upgrade", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Upgrade the database to TARGET (e.g. head, 003, +1).",
        "",
        "Each revision runs in its own transaction: a failed one is rolled back and leaves the database at the "
                + "revision before it. A lock on the database makes sure two runners never apply the same revision; "
                + "a target behind the current revision changes nothing."})
final class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET",
            description = "head, a revision id such as 003, +N (N steps up from the current revision), or ID+N.")
    String target;

    @Override
    public Integer call() {
        return MigrationRun.execute(root, spec, target, Migrator::upgrade);
    }
}
