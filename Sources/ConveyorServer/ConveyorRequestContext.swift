import Conveyor
public import Foundation
public import Hummingbird

/// The request context of Conveyor's routes: JSON in snake_case with ISO 8601 dates (as the
/// CLI prints it), and the scope of the API key that signed the request.
public struct ConveyorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// What the request's key may do; set by ``APIKeyMiddleware``.
    public var scope: APIScope?
    /// For a worker process's key, the queues it may lease and finish jobs of.
    public var workQueues: Set<String>?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var requestDecoder: JSONDecoder {
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
    }

    public var responseEncoder: JSONEncoder { APIEncoding.encoder }

    /// Bodies up to 1 MiB: job arguments are meant to be small.
    public var maxUploadSize: Int { 1 << 20 }
}

enum APIEncoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
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
