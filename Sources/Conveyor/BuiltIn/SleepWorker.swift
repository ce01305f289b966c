/// Sleeps, reporting progress ten times, then completes: for demos and shutdown tests.
///
/// Args: `{"ms": 1500}`. It stops early, like any well-behaved worker, when cancelled.
public struct SleepWorker: JobWorker {
    /// How long to sleep.
    public struct Args: Codable, Sendable {
        /// Milliseconds to sleep, reporting progress as it goes.
        public var ms: Int
        /// Sleep `ms` milliseconds.
        public init(ms: Int) { self.ms = ms }
    }

    public static let kind = "sleep"
    /// The worker.
    public init() {}

    public func perform(_ args: Args, context: JobContext) async throws {
        guard (0...86_400_000).contains(args.ms) else {
            throw JobControl.discard(reason: "ms must be between 0 and 86400000 (a day), got \(args.ms)")
        }
        let step = Duration.milliseconds(args.ms) / 10
        for done in 1...10 {
            try await Task.sleep(for: step)
            try await context.progress(Double(done) / 10, "slept \(args.ms * done / 10) of \(args.ms) ms")
        }
        try context.setResult(["slept_ms": args.ms])
    }
}
