/// An error from Conveyor: what went wrong, which input it concerns, and what to do.
///
/// Errors are compared by ``code``; the ``message`` is for people and may change. Messages
/// never contain job arguments or other stored payloads.
public struct ConveyorError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure. New codes may be added: switch with a `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidInput = "invalid_input"
            case notFound = "not_found"
            case unknownKind = "unknown_kind"
            case invalidArguments = "invalid_arguments"
            case conflict
            case storage
            case migration
        }
        fileprivate let base: Base
        /// The code as the HTTP API and the CLI write it (`invalid_input`, `not_found`, …).
        public var description: String { base.rawValue }

        /// A value given by the caller is not acceptable; ``ConveyorError/field`` names it.
        public static let invalidInput = Code(base: .invalidInput)
        /// No job, queue or node has the given identity.
        public static let notFound = Code(base: .notFound)
        /// No worker is registered for a job kind.
        public static let unknownKind = Code(base: .unknownKind)
        /// A job's args are JSON, but not what its kind's worker takes; ``ConveyorError/field``
        /// is `args`.
        public static let invalidArguments = Code(base: .invalidArguments)
        /// The request does not fit the current state (for example retrying a running job).
        public static let conflict = Code(base: .conflict)
        /// The database failed; ``ConveyorError/underlying`` holds its error.
        public static let storage = Code(base: .storage)
        /// The database schema could not be brought up to date.
        public static let migration = Code(base: .migration)
    }

    /// What kind of failure this is.
    public var code: Code
    /// The input field the error concerns, as the caller named it (`args`, `priority`, …).
    public var field: String?
    /// What happened and, where it helps, what to do.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// An error with `code`, naming `field` (as the caller named it) and saying what is wrong.
    public init(_ code: Code, field: String? = nil, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.underlying = underlying
    }

    /// The field, if any, and the message, as `field: message`.
    public var description: String {
        var text = field.map { "\($0): \(message)" } ?? message
        if let underlying { text += " (\(underlying))" }
        return text
    }

    static func invalid(_ field: String, _ message: String) -> ConveyorError {
        ConveyorError(.invalidInput, field: field, message)
    }
}
