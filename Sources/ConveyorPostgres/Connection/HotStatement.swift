import PostgresNIO

/// A statement of the hot path (insert, claim, acknowledge), prepared once per connection of the
/// store's own pool and then only executed: the server skips parsing and planning it again.
///
/// postgres-nio takes a prepared statement's name and text from static properties, so the
/// text has bare table names and the store's connections find its schema through the
/// `search_path` they set when they connect. A store on a client it was handed runs the same
/// statement unnamed, schema-qualified (``qualified``).
protocol HotStatement: PostgresPreparedStatement where Row == PostgresRow {
    /// The same statement qualified with the schema, for connections whose `search_path` is not the store's.
    static func qualified(_ sql: PostgresSQL) -> String
    var bindings: PostgresBindings { get }
    init(bindings: PostgresBindings)
}

extension HotStatement {
    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// The statement unnamed and schema-qualified, for a connection the store did not open
    /// (a handed-in client, the caller's transaction): its text is a constant of ``PostgresSQL``,
    /// every value bound.
    static func unnamed(_ sql: PostgresSQL, _ binds: PostgresBindings) -> PostgresQuery {
        PostgresQuery(unsafeSQL: qualified(sql), binds: binds)
    }
}

struct InsertStatement: HotStatement {
    static let name = "conveyor_insert"
    static let sql = PostgresSQL.unqualified.insertBulk
    static func qualified(_ sql: PostgresSQL) -> String { sql.insertBulk }
    let bindings: PostgresBindings
}

struct ClaimStatement: HotStatement {
    static let name = "conveyor_claim"
    static let sql = PostgresSQL.unqualified.claim
    static func qualified(_ sql: PostgresSQL) -> String { sql.claim }
    let bindings: PostgresBindings
}

struct AcknowledgeStatement: HotStatement {
    static let name = "conveyor_acknowledge"
    static let sql = PostgresSQL.unqualified.acknowledge
    static func qualified(_ sql: PostgresSQL) -> String { sql.acknowledge }
    let bindings: PostgresBindings
}

struct CompleteStatement: HotStatement {
    static let name = "conveyor_complete"
    static let sql = PostgresSQL.unqualified.complete
    static func qualified(_ sql: PostgresSQL) -> String { sql.complete }
    let bindings: PostgresBindings
}
