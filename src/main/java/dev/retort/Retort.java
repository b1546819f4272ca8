package dev.retort;

import dev.retort.engine.DatabaseException;
import dev.retort.engine.DatabaseStatus;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.SchemaDrift;
import dev.retort.engine.VersionStateException;
import dev.retort.migrations.ExpectedSnapshots;
import dev.retort.migrations.Migrations;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * Retort as a library: a Java service migrates its database at start-up, without the CLI. The CLI is built on
 * this too.
 *
 * <pre>{@code
 * Retort retort = Retort.using(dataSource);
 * retort.upgrade("head");
 * Verification check = retort.verify();
 * if (!check.matches()) throw new IllegalStateException(String.join("\n", check.drift().diff()));
 * }</pre>
 *
 * <p>Immutable, and safe to share between threads: each {@code with…} returns a changed copy. Each call takes its own
 * connections from the data source and closes them before it returns, having put back what it changed on them
 * (autocommit, and session settings such as {@code lock_timeout} and {@code statement_timeout}), so that a pool lends
 * them on as it lent them. A run ({@code upgrade}, {@code downgrade}, {@code stamp}) takes two at once, one of them to
 * hold the migration lock: a pool needs room for both. The lock makes several instances of a service starting
 * together apply each revision once: the others wait, up to {@link #withLockWait(Duration) the lock wait}, then find
 * nothing left to do (or throw {@link dev.retort.engine.LockNotAcquiredException} if the wait runs out first).
 *
 * <p>Every failure is a {@link dev.retort.engine.RetortException}, whose message is written for the person reading
 * the log and says what a failed run left; its subclass says what went wrong (a failed step, a bad target, no
 * connection, the lock not had). An interrupt of the calling thread stops a run before its next step
 * ({@link dev.retort.engine.RunInterruptedException}), or its wait for the lock
 * ({@link dev.retort.engine.LockNotAcquiredException}).
 *
 * @param revisions the chain to apply, oldest first; by default the shipped {@link Migrations#all()}
 * @param listener  told about each step as it runs; by default silent
 * @param lockWait  how long to wait for another runner's migration lock
 * @param lockPolicy how long each statement waits for table locks, and how it tries again
 */
public record Retort(DataSource dataSource, List<Revision> revisions, MigrationListener listener, Duration lockWait,
                     LockPolicy lockPolicy) {

    public Retort {
        revisions = List.copyOf(revisions);
    }

    /** Retort over {@code dataSource} with the shipped revisions and the default waits. */
    public static Retort using(DataSource dataSource) {
        return new Retort(dataSource, Migrations.all(), MigrationListener.SILENT, Migrator.DEFAULT_LOCK_WAIT,
                LockPolicy.DEFAULT);
    }

    /** The same, over {@code chain} (oldest first) in place of the shipped revisions. */
    public Retort withRevisions(List<Revision> chain) {
        return new Retort(dataSource, chain, listener, lockWait, lockPolicy);
    }

    /** The same, telling {@code newListener} of each run's steps as they go: to log them. */
    public Retort withListener(MigrationListener newListener) {
        return new Retort(dataSource, revisions, newListener, lockWait, lockPolicy);
    }

    /**
     * The same, waiting at most {@code wait} for another runner's migration lock (by default
     * {@link Migrator#DEFAULT_LOCK_WAIT}, 60 s): make it longer than the longest migration another instance may be
     * running, or the instances that wait fail to start.
     */
    public Retort withLockWait(Duration wait) {
        return new Retort(dataSource, revisions, listener, wait, lockPolicy);
    }

    /** The same, with {@code policy}'s lock timeouts, retries and statement timeout for the revisions' statements. */
    public Retort withLockPolicy(LockPolicy policy) {
        return new Retort(dataSource, revisions, listener, lockWait, policy);
    }

    /** The engine itself, for what this facade does not cover: plans, history, stamping, snapshots. */
    public Migrator migrator() {
        return new Migrator(dataSource, new RevisionGraph(revisions), listener, lockWait, lockPolicy);
    }

    /**
     * Upgrades to {@code target}: {@code head}, an id, {@code +N}. A target behind the current revision changes
     * nothing ({@link MigrationResult#note()} says so).
     *
     * @throws dev.retort.engine.RetortException if it cannot; the message says what a failed step left
     */
    public MigrationResult upgrade(String target) {
        return migrator().upgrade(target);
    }

    /**
     * Downgrades to {@code target}: {@code base}, an id, {@code -N}. A downgrade drops what its revisions created,
     * data included.
     *
     * @throws dev.retort.engine.RetortException if it cannot, a target ahead of the current revision included
     */
    public MigrationResult downgrade(String target) {
        return migrator().downgrade(target);
    }

    /** The revision the database is at, {@code null} at base. */
    public String current() {
        return migrator().current();
    }

    /**
     * Compares the live schema with the snapshot expected at the current revision, and lists the applied revisions
     * whose SQL changed since they ran. Changes nothing.
     */
    public Verification verify() {
        Migrator migrator = migrator();
        DatabaseStatus status = migrator.status(); // one connection for the revision and the edited ones
        String current = status.current();
        refuseSnapshotsOfOtherRevisions(migrator.graph(), current);
        String label = migrator.graph().labelWithHead(current);
        String expected = ExpectedSnapshots.at(current).orElseThrow(() -> new DatabaseException("No snapshot is "
                + "shipped for revision " + current + ": run ./retort snapshot --write, then verify again.", null));
        return new Verification(current, label, SchemaDrift.between(label, expected, migrator.liveSchema()),
                status.edited(), status.unfinished());
    }

    /**
     * The snapshots shipped are those of {@link Migrations#all()}'s revisions: a chain of one's own
     * ({@link #withRevisions}) may give the same ids to other schemas, and a comparison with them would report drift
     * that is not there, or hide drift that is. So verify goes on only if the revisions up to {@code current} are the
     * shipped ones.
     */
    private void refuseSnapshotsOfOtherRevisions(RevisionGraph graph, String current) {
        int applied = graph.positionOf(current) + 1;
        List<Class<?>> shipped = Migrations.all().stream().<Class<?>>map(Object::getClass).toList();
        List<Class<?>> ours = revisions.subList(0, applied).stream().<Class<?>>map(Object::getClass).toList();
        if (shipped.size() < applied || !shipped.subList(0, applied).equals(ours)) {
            throw new VersionStateException("verify compares the live schema with the snapshots shipped for "
                    + "Migrations.all(), and the revisions up to " + current + " are not those: compare "
                    + "migrator().liveSchema() with a snapshot of your own revisions instead. Nothing was changed.");
        }
    }
}
