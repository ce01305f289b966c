/// Does nothing and completes: for demos, smoke tests and benchmarks. Takes any JSON args.
public struct NoopWorker: JobWorker {
    /// Any JSON: it is checked to be JSON but not turned into values nobody reads.
    public struct Args: Codable, Sendable {
        /// No arguments.
        public init() {}
        public init(from decoder: any Decoder) throws {}
        public func encode(to encoder: any Encoder) throws {
            _ = encoder.container(keyedBy: AnyKey.self)
        }
    }

    public static let kind = "noop"
    /// The worker.
    public init() {}
    public func perform(_ args: Args, context: JobContext) async throws {}
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
