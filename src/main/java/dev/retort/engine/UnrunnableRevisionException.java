package dev.retort.engine;

/**
 * A revision that PostgreSQL would refuse as it is written (see {@link StepSql#refusal}), found before the run's first
 * step: nothing was run, so the steps before it are not applied without it.
 */
public class UnrunnableRevisionException extends RetortException {

    public UnrunnableRevisionException(String message) {
        super(message);
    }
}
