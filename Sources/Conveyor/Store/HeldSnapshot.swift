package import Foundation

/// The oldest transaction open in the jobs' database, as the store sees it: while it lasts,
/// the database may not clear rows that died after it began (PostgreSQL's vacuum), so the
/// claim index fills with finished jobs' dead entries that every claim walks.
package struct HeldSnapshot: Sendable, Equatable {
    /// Who holds it, as the database names the session (PostgreSQL: the server process id).
    package var holder: String
    /// When its transaction began.
    package var since: Date
    /// What the session is doing (`idle in transaction`, `active`), if the store can tell.
    package var state: String?
    /// The session's application name, if it set one.
    package var application: String?
    /// The start of its last statement's text, if the store may read it.
    package var query: String?

    package init(holder: String, since: Date, state: String? = nil, application: String? = nil, query: String? = nil) {
        self.holder = holder
        self.since = since
        self.state = state
        self.application = application
        self.query = query
    }
}
