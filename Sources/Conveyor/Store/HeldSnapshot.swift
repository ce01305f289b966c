package import Foundation

/// The oldest transaction open in the jobs' database, as the store sees it: while it lasts,
/// the database may not clear rows that died after it began (PostgreSQL's vacuum), so the
/// claim index fills with finished jobs' dead entries that every claim walks.
package struct HeldSnapshot: Sendable, Equatable {
    /// Who holds it, as the database names the session (PostgreSQL: the server process id).
    package let holder: String
    /// When its transaction began.
    package let since: Date
    /// What the session is doing (`idle in transaction`, `active`), if the store can tell.
    package let state: String?
    /// The session's application name, if it set one.
    package let application: String?
    /// The start of its last statement's text, if the store may read it.
    package let query: String?

    package init(holder: String, since: Date, state: String? = nil, application: String? = nil, query: String? = nil) {
        self.holder = holder
        self.since = since
        self.state = state
        self.application = application
        self.query = query
    }
}
