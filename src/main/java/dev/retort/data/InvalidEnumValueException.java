package dev.retort.data;

import java.util.List;

/** A text that is not a value of the enum type it was given for (SQLSTATE 22P02); the message lists the values. */
public final class InvalidEnumValueException extends DataException {

    private final String enumType;
    private final String value;
    private final List<String> validValues;

    InvalidEnumValueException(String enumType, String value, List<String> validValues, Throwable cause) {
        super("'" + value + "' is not a value of enum " + enumType
                + (validValues.isEmpty() ? "" : "; valid values: " + String.join(", ", validValues)), "22P02", cause);
        this.enumType = enumType;
        this.value = value;
        this.validValues = List.copyOf(validValues);
    }

    public String enumType() {
        return enumType;
    }

    public String value() {
        return value;
    }

    /** The type's values in their declared order, as the database had them when the value was refused. */
    public List<String> validValues() {
        return validValues;
    }
}
