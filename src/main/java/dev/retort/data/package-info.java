/**
 * The seed's patterns as a small API over JDBC: soft delete and restore, reads of live or deleted rows only,
 * and an audit trail written in the same transaction as the change it records.
 *
 * <pre>{@code
 * Transactions transactions = new Transactions(dataSource);
 * AuditTrail auditTrail = new AuditTrail(transactions);
 * Customers customers = new Customers(transactions, auditTrail);
 * Users users = new Users(transactions, auditTrail);
 *
 * Actor actor = Actor.of(admin, "203.0.113.7", "Mozilla/5.0");
 * Customer acme = customers.create(actor, NewCustomer.of("Acme Ltd", "billing@acme.example", "business"));
 * customers.update(actor, acme.id(), CustomerChanges.none().withStatus("suspended"));
 * customers.softDelete(actor, acme.id());      // deleted_at, deleted_by; audited
 * customers.restore(actor, acme.id());         // both cleared; audited
 * auditTrail.forResource("customer", acme.id().toString(), 10);
 * }</pre>
 *
 * <p>Over a data source (a pool), every class here is thread-safe and meant to be shared; a writer thread that
 * owns one connection builds its own over {@link dev.retort.data.Transactions#on}. Refusals are
 * {@link dev.retort.data.DataException}s, thrown after the transaction they broke has been rolled back. A change
 * called inside a transaction its caller has open joins it under a savepoint (see
 * {@link dev.retort.data.Transactions}): a refusal then rolls back that change only. This
 * package uses JDBC, pgjdbc's error fields and transaction state, and Jackson, and nothing else of Retort's: the
 * schema it expects is revision 006.
 */
package dev.retort.data;
