import Foundation
import Hummingbird

/// A JSON answer in the API's encoding, with a status.
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    let value: Value

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try APIEncoding.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// The body decoded as JSON with the context's decoder. Unlike Hummingbird's `decode`, it
    /// lets a `DecodingError` through, so the answer can name the field at fault.
    func json<T: Decodable>(_ type: T.Type, context: ConveyorRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try context.requestDecoder.decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// Query values of `name`: repeated (`state=a&state=b`) or comma-separated (`state=a,b`).
    func queryValues(_ name: String) -> [String] {
        uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }
    }

    func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }
}
