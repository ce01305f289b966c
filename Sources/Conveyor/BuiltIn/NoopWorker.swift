/// Does nothing and completes: for demos, smoke tests and benchmarks. Takes any JSON args.
public struct NoopWorker: JobWorker {
    public typealias Args = JSONValue
    public static let kind = "noop"
    public init() {}
    public func perform(_ args: JSONValue, context: JobContext) async throws {}
}
