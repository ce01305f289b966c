public import Conveyor

extension Conveyor {
    /// Creates a runtime on the embedded SQLite store, migrating its schema unless configured
    /// otherwise.
    ///
    /// ```swift
    /// let conveyor = try await Conveyor(store: .sqlite(path: "conveyor.sqlite"),
    ///                                   configuration: .init(queues: ["default": 10]))
    /// ```
    ///
    /// - Throws: `ConveyorError` for an invalid configuration, or the store's error if the
    ///   schema cannot be brought up to date.
    public convenience init(store: SQLiteJobStore, configuration: ConveyorConfiguration = ConveyorConfiguration()) async throws {
        try await self.init(storingIn: store, configuration: configuration)
    }

    /// Creates a runtime on the embedded SQLite store running `queues` (name: concurrency).
    public convenience init(store: SQLiteJobStore, queues: [String: Int]) async throws {
        try await self.init(storingIn: store, configuration: ConveyorConfiguration(queues: queues))
    }
}
