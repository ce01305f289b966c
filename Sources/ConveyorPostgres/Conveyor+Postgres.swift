public import Conveyor

extension Conveyor {
    /// Creates a runtime on PostgreSQL, migrating the store's schema unless configured
    /// otherwise. Run the store (a `Service`) beside the runtime, in the same `ServiceGroup`.
    ///
    /// - Throws: `ConveyorError` for an invalid configuration, or the store's error if the
    ///   schema cannot be brought up to date.
    public convenience init(store: PostgresJobStore, configuration: ConveyorConfiguration = ConveyorConfiguration()) async throws {
        try await self.init(storingIn: store, configuration: configuration)
    }

    /// Creates a runtime on PostgreSQL running `queues` (name: concurrency).
    public convenience init(store: PostgresJobStore, queues: [String: Int]) async throws {
        try await self.init(storingIn: store, configuration: ConveyorConfiguration(queues: queues))
    }
}
