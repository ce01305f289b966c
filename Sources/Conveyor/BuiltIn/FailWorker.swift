/// Always fails with the given message: for trying out retries, backoff and discards.
///
/// Args: `{"message": "boom"}` (optional).
public struct FailWorker: JobWorker {
    /// The failure's message.
    public struct Args: Codable, Sendable {
        /// The message the attempt fails with; a default one when nil.
        public var message: String?
        /// Args failing with `message`.
        public init(message: String? = nil) { self.message = message }
    }

    /// The error every attempt of a fail job throws.
    public struct Failure: Error, CustomStringConvertible {
        /// The failure's message.
        public let description: String
    }

    public static let kind = "fail"
    public static let options = JobOptions(maxAttempts: 3, backoff: .exponential(base: .seconds(1), factor: 2))
    /// The worker.
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
