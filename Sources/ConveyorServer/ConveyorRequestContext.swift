public import Foundation
public import Hummingbird

/// The request context of Conveyor's routes: JSON in snake_case with ISO 8601 dates (as the
/// CLI prints it), and the scope of the API key that signed the request.
public struct ConveyorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// What the request's key may do; set by ``APIKeyMiddleware``.
    public var scope: APIScope?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
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
