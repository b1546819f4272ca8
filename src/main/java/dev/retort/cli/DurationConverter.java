package dev.retort.cli;

import dev.retort.engine.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Lets picocli report a bad duration as a usage error, like any other bad option value. A bare number is seconds; for
 * options that set a PostgreSQL timeout, {@link Timeout} requires the unit.
 */
class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    Duration parse(String value) {
        return Durations.parse(value);
    }

    /** For --lock-timeout and the like: PostgreSQL reads a bare number as milliseconds, so one is refused. */
    static final class Timeout extends DurationConverter {

        @Override
        Duration parse(String value) {
            return Durations.parseTimeout(value);
        }
    }
}
