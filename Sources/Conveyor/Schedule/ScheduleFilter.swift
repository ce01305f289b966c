/// Which schedules to list: a page in name order, optionally only active or inactive ones, or
/// those of one kind.
public struct ScheduleFilter: Sendable, Hashable {
    /// Only active (true) or inactive (false) schedules; nil: both.
    public var active: Bool?
    /// Only schedules that enqueue this kind.
    public var kind: String?
    /// Cursor: only schedules whose name sorts after this one (pass the last name of the previous page).
    public var afterName: String?
    /// At most this many (1…1000).
    public var limit: Int

    /// A filter; with no argument it lists every schedule by name, 100 at a time.
    public init(active: Bool? = nil, kind: String? = nil, afterName: String? = nil, limit: Int = 100) {
        self.active = active
        self.kind = kind
        self.afterName = afterName
        self.limit = limit
    }

    /// Checks the filter.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `limit`, `kind` or `after`.
    public func validate() throws(ConveyorError) {
        guard (1...1_000).contains(limit) else { throw .invalid("limit", "must be between 1 and 1000, got \(limit)") }
        if let kind { try JobInsert.validateName(kind, field: "kind") }
        if let afterName {
            guard (1...100).contains(afterName.count) else { throw .invalid("after", "must be 1 to 100 characters, as schedule names are") }
            try StoredText.check(afterName, field: "after")
        }
    }
}
