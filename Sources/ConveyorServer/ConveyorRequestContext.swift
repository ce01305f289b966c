import Conveyor
import Foundation
public import Hummingbird

/// A request context that Conveyor's routes can run in. Adopt it in your application's own
/// context to mount Conveyor into your router (``ConveyorServer/addRoutes(to:at:)``): one stored
/// property is all it asks.
///
/// ```swift
/// struct AppContext: ConveyorRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var conveyorAccess = ConveyorAccess()
///     var user: String?
///     init(source: Source) { coreContext = .init(source: source) }
/// }
/// ```
///
/// Conveyor's routes read and write JSON in their own encoding (snake_case, ISO 8601 times) and
/// read bodies up to 1 MiB, whatever your context's decoder and limits are.
public protocol ConveyorRequestContext: RequestContext {
    /// What the request's API key may do on Conveyor's routes; Conveyor's key check sets it.
    var conveyorAccess: ConveyorAccess { get set }
}

/// What a request's API key may do on Conveyor's routes.
public struct ConveyorAccess: Sendable {
    /// The key's scope; nil until Conveyor's key check has run on the request.
    public internal(set) var scope: APIScope?
    /// For a worker process's key, the queues it may lease and finish jobs of.
    public internal(set) var workQueues: Set<String>?

    /// No access until Conveyor's key check runs.
    public init() {}
}

/// The request context of a router that serves only Conveyor, as `conveyor serve` does.
public struct BasicConveyorRequestContext: ConveyorRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// What the request's key may do on Conveyor's routes.
    public var conveyorAccess = ConveyorAccess()

    /// A context for a request from `source`.
    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// The API's JSON: snake_case keys, ISO 8601 times (as the CLI prints them).
enum APIEncoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // Foundation's own ISO 8601 strategy reports a bad date without the field's path.
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 time such as 2026-12-01T08:00:00Z")
            }
            return date
        }
        return decoder
    }()

    /// Bodies up to 1 MiB: job arguments are meant to be small.
    static let maximumBody = 1 << 20
}

extension ConveyorRequestContext {
    /// The `{name}` of the path, percent-decoded: a queue or schedule name may hold `:`.
    func pathName() throws -> String {
        let raw = try parameters.require("name")
        guard let name = raw.removingPercentEncoding else {
            throw ConveyorError(.invalidInput, field: "name", "'\(raw)' is not a valid percent-encoded name")
        }
        return name
    }
}
