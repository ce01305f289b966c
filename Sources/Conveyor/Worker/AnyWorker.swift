import Foundation

/// A registered worker with its argument type erased, so the runtime can hold many kinds.
struct AnyWorker: Sendable {
    let kind: String
    let options: JobOptions
    let perform: @Sendable (RawJSON, JobContext) async throws -> Void
    /// Throws the decoding error `perform` would meet, so bad args are refused at enqueue.
    let validateArgs: @Sendable (RawJSON) throws(ConveyorError) -> Void

    init<W: JobWorker>(_ worker: W) {
        kind = W.kind
        options = W.options
        validateArgs = { args throws(ConveyorError) in
            do {
                _ = try RawJSON.decoding(W.Args.self, from: args.text)
            } catch {
                throw ConveyorError(.invalidArguments, field: "args", "does not match what kind '\(W.kind)' takes: \(JSONValue.describe(error))")
            }
        }
        perform = { args, context in
            let decoded: W.Args
            do {
                decoded = try args.decode(W.Args.self, field: "args")
            } catch {
                throw ArgumentsDecodingFailure(description: "\(error)")
            }
            try await worker.perform(decoded, context: context)
        }
    }
}

extension AnyWorker {
    /// A worker built from a closure, for kinds named at run time (row loops).
    init(kind: String, options: JobOptions, perform: @escaping @Sendable (RawJSON, JobContext) async throws -> Void) {
        self.kind = kind
        self.options = options
        self.perform = perform
        validateArgs = { _ throws(ConveyorError) in }
    }
}

/// The stored arguments do not decode for the worker: retrying cannot help.
struct ArgumentsDecodingFailure: Error, CustomStringConvertible {
    let description: String
}
