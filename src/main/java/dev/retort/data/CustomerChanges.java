package dev.retort.data;

/**
 * The fields an update sets, applied to the row as it is when the update locks it (so a field left out keeps
 * whatever a concurrent writer gave it). Start from {@link #none()} and add what changes:
 * {@code CustomerChanges.none().withStatus("suspended")}.
 *
 * <p>A null name or status means "keep". Phone may be cleared, so null cannot mean "keep" for it:
 * {@code phoneGiven} says whether {@code phone} is to be set (to a number, or to null).
 */
public record CustomerChanges(String name, boolean phoneGiven, String phone, String status) {

    public static CustomerChanges none() {
        return new CustomerChanges(null, false, null, null);
    }

    public CustomerChanges withName(String newName) {
        return new CustomerChanges(newName, phoneGiven, phone, status);
    }

    /** Sets the phone; null clears it. */
    public CustomerChanges withPhone(String newPhone) {
        return new CustomerChanges(name, true, newPhone, status);
    }

    /** Sets the status, a value of {@code customer_status_enum}. */
    public CustomerChanges withStatus(String newStatus) {
        return new CustomerChanges(name, phoneGiven, phone, newStatus);
    }

    String nameFor(Customer current) {
        return name == null ? current.name() : name;
    }

    String phoneFor(Customer current) {
        return phoneGiven ? phone : current.phone();
    }

    String statusFor(Customer current) {
        return status == null ? current.status() : status;
    }
}
