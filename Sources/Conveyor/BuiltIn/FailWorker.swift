/// Always fails with the given message: for trying out retries, backoff and discards.
///
/// Args: `{"message": "boom"}` (optional).
public struct FailWorker: JobWorker {
    public struct Args: Codable, Sendable {
        public var message: String?
        public init(message: String? = nil) { self.message = message }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let kind = "fail"
    public static let options = JobOptions(maxAttempts: 3, backoff: .exponential(base: .seconds(1), factor: 2))
    public init() {}

    public func perform(_ args: Args, context: JobContext) async throws {
        throw Failure(description: args.message ?? "failed on purpose (attempt \(context.job.attempt))")
    }
}

extension Conveyor {
    /// Registers the built-in workers: `noop`, `sleep` and `fail`.
    public func registerBuiltInWorkers() {
        register(NoopWorker())
        register(SleepWorker())
        register(FailWorker())
    }
}
