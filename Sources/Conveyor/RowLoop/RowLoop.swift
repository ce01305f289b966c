import Foundation

/// A loop over rows of the application's own table that carry a status column: each pass
/// takes up to ``batchSize`` due rows, marks them processing, runs a function per row, and
/// writes the outcome back into the row: complete, or an error with its message, a retry count
/// and a next-retry time from ``backoff``, until ``maxRetries``.
///
/// Passes run on a schedule (``recurrence``), at most one at a time across all nodes; rows are
/// taken race-free (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite). Rows a
/// crashed pass left processing go back to queued when the next pass starts.
///
/// ```swift
/// let loop = RowLoop(
///     name: "hubspot-contact-sync", table: "contacts",
///     columns: .init(status: "hubspot_processing_status", error: "hubspot_processing_error",
///                    retryCount: "retry_count", nextRetryAt: "next_retry_at"),
///     statuses: .init(queued: "Queued", processing: "Processing", complete: "Complete", error: "Error"),
///     orderBy: "updated_at", batchSize: 10, every: .seconds(300),
///     disabledBecause: apiKey == nil ? "HUBSPOT_API_KEY is not set" : nil)
/// try conveyor.register(loop) { id in try await sync.process(contactID: id) }
/// ```
public struct RowLoop: Sendable {
    /// The columns the loop reads and writes. Only `id` and `status` are required.
    public struct Columns: Sendable, Hashable {
        /// The table's key column.
        public var id: String
        /// The status column, which the loop moves through ``Statuses``.
        public var status: String
        /// Set to the error's message when the function throws; cleared on completion.
        public var error: String?
        /// Counts failed attempts.
        public var retryCount: String?
        /// When a failed row may be taken again; rows with a later time wait.
        public var nextRetryAt: String?

        /// The columns of the application's table; the optional ones are written when named.
        public init(id: String = "id", status: String, error: String? = nil, retryCount: String? = nil, nextRetryAt: String? = nil) {
            self.id = id
            self.status = status
            self.error = error
            self.retryCount = retryCount
            self.nextRetryAt = nextRetryAt
        }

        var all: [(field: String, name: String)] {
            [("columns.id", id), ("columns.status", status)]
                + [("columns.error", error), ("columns.retryCount", retryCount), ("columns.nextRetryAt", nextRetryAt)]
                .compactMap { field, name in name.map { (field, $0) } }
        }
    }

    /// The values of the status column.
    public struct Statuses: Sendable, Hashable {
        /// A row waiting to be processed.
        public var queued: String
        /// A row a pass has taken.
        public var processing: String
        /// A row processed.
        public var complete: String
        /// A row that failed more than ``RowLoop/maxRetries`` times.
        public var error: String

        /// The status values, by default `queued`, `processing`, `complete` and `error`.
        public init(queued: String = "queued", processing: String = "processing", complete: String = "complete", error: String = "error") {
            self.queued = queued
            self.processing = processing
            self.complete = complete
            self.error = error
        }
    }

    /// A condition every row taken must meet besides its status: `column = value`, or `column IS NULL`.
    public struct Filter: Sendable, Hashable {
        /// The column compared.
        public var column: String
        /// nil: the column is NULL. Compared as text.
        public var equals: String?

        /// Rows whose `column` equals `equals` (or is NULL when `equals` is nil).
        public init(column: String, equals: String?) {
            self.column = column
            self.equals = equals
        }
    }

    /// The loop's name; its schedule and its pass jobs (`row_loop:NAME`) carry it.
    public var name: String
    /// The table, as `table` or `schema.table`.
    public var table: String
    /// The columns the loop reads and writes.
    public var columns: Columns
    /// The values of the status column.
    public var statuses: Statuses
    /// The column rows are taken in the order of (ascending); nil: by id.
    public var orderBy: String?
    /// Only rows matching every filter are taken.
    public var filters: [Filter]
    /// Rows per pass, 1 to 10,000.
    public var batchSize: Int
    /// Failed attempts after which a row's status becomes `error`.
    public var maxRetries: Int
    /// The wait before a failed row is taken again.
    public var backoff: Backoff
    /// When passes run.
    public var recurrence: Recurrence
    /// How late a pass may still start (after downtime); later ones are skipped until the next.
    public var misfireGrace: Duration
    /// The queue the pass jobs wait in.
    public var queue: String
    /// Set when the loop must not run (a missing API key, say): it is then not registered, and
    /// the reason is logged at warning level.
    public var disabledBecause: String?

    /// A loop over `table` that runs a pass every `interval`.
    public init(
        name: String, table: String, columns: Columns, statuses: Statuses = Statuses(), orderBy: String? = nil, filters: [Filter] = [],
        batchSize: Int = 10, maxRetries: Int = 3, backoff: Backoff = .exponential(base: .seconds(300), factor: 2, jitter: 0),
        every interval: Duration = .seconds(300), misfireGrace: Duration = .seconds(1_800), queue: String = "default",
        disabledBecause: String? = nil
    ) {
        self.init(name: name, table: table, columns: columns, statuses: statuses, orderBy: orderBy, filters: filters,
                  batchSize: batchSize, maxRetries: maxRetries, backoff: backoff, recurrence: .every(interval),
                  misfireGrace: misfireGrace, queue: queue, disabledBecause: disabledBecause)
    }

    /// A loop over `table` that runs a pass on `recurrence` (a cron expression, a daily time, …).
    public init(
        name: String, table: String, columns: Columns, statuses: Statuses = Statuses(), orderBy: String? = nil, filters: [Filter] = [],
        batchSize: Int = 10, maxRetries: Int = 3, backoff: Backoff = .exponential(base: .seconds(300), factor: 2, jitter: 0),
        recurrence: Recurrence, misfireGrace: Duration = .seconds(1_800), queue: String = "default", disabledBecause: String? = nil
    ) {
        self.name = name
        self.table = table
        self.columns = columns
        self.statuses = statuses
        self.orderBy = orderBy
        self.filters = filters
        self.batchSize = batchSize
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.recurrence = recurrence
        self.misfireGrace = misfireGrace
        self.queue = queue
        self.disabledBecause = disabledBecause
    }

    /// The kind of the loop's pass jobs.
    public var kind: String { "row_loop:\(name)" }

    /// Every column the loop names, with the field that names it.
    package var namedColumns: [(field: String, name: String)] {
        columns.all + (orderBy.map { [("orderBy", $0)] } ?? []) + filters.enumerated().map { ("filters[\($0.offset)].column", $0.element.column) }
    }

    /// Checks what can be checked without the database: names are identifiers, numbers in range,
    /// the four statuses distinct. The store then checks the table and columns exist.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field.
    public func validate() throws(ConveyorError) {
        try JobInsert.validateName(name, field: "name")
        try JobInsert.validateName(queue, field: "queue")
        let parts = table.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ Self.isIdentifier(String($0)) }) else {
            throw .invalid("table", "'\(table)' is not a table name: letters, digits and _, not starting with a digit, as table or schema.table")
        }
        for (field, column) in namedColumns where !Self.isIdentifier(column) {
            throw .invalid(field, "'\(column)' is not a column name: letters, digits and _, not starting with a digit")
        }
        let values = [statuses.queued, statuses.processing, statuses.complete, statuses.error]
        guard Set(values).count == 4, values.allSatisfy({ !$0.isEmpty && $0.count <= 100 }) else {
            throw .invalid("statuses", "give four different values of 1 to 100 characters")
        }
        for value in values { try StoredText.check(value, field: "statuses") }
        guard (1...10_000).contains(batchSize) else { throw .invalid("batchSize", "must be between 1 and 10000, got \(batchSize)") }
        guard (0...1_000).contains(maxRetries) else { throw .invalid("maxRetries", "must be between 0 and 1000, got \(maxRetries)") }
        if maxRetries > 0, columns.retryCount == nil {
            throw .invalid("columns.retryCount", "name the retry-count column, or set maxRetries to 0")
        }
        try recurrence.validate()
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), name.utf8.count <= 63 else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
            default: false
            }
        }
    }
}
