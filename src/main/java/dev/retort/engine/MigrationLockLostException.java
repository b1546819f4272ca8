package dev.retort.engine;

/**
 * The session that held the migration lock has ended (terminated by an administrator, an idle limit, a dropped
 * connection), and the session-level lock with it: another runner may be migrating now, so this one stops.
 */
public final class MigrationLockLostException extends RetortException {

    MigrationLockLostException(int pid, String before) {
        super("The session that held the migration lock (pid " + pid + ") has ended, and the lock with it "
                + "(terminated by someone, or its connection dropped), before " + before + ". Stopped there, so as "
                + "not to go on beside another runner that may have taken the lock since.", null);
    }
}
