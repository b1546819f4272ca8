package dev.retort.engine;

/**
 * Marks a {@code DataSource} whose every connection is a session of its own, ended by the connection's
 * {@code close()}: no pool lends it on. A run then leaves the session's settings as it changed them, where for any
 * other data source it notes them first and puts them back before letting go ({@code SessionState}), which costs
 * each run a round trip per connection at each end for a session that is about to end anyway. The CLI's data
 * sources are such; a pool must never be marked so.
 */
public interface FreshSessions {
}
