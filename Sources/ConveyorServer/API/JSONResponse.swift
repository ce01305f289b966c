import Conveyor
import Foundation
import Hummingbird
import NIOCore

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
    /// The body decoded as the API's JSON. Unlike Hummingbird's `decode`, it lets a
    /// `DecodingError` through, so the answer can name the field at fault.
    func json<T: Decodable>(_ type: T.Type) async throws -> T {
        let buffer = try await collectBody(upTo: APIEncoding.maximumBody)
        return try APIEncoding.decoder.decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// The whole body, or a 413 that states the limit.
    func collectBody(upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(status: .contentTooLarge, code: "too_large", field: "body",
                           message: "is larger than \(limit) bytes, the most this route reads")
        }
    }

    /// Query values of `name`: repeated (`state=a&state=b`) or comma-separated (`state=a,b`).
    ///
    /// - Throws: ``ConveyorError`` naming `name` for an empty entry (`state=`, `state=a,,b`).
    func queryValues(_ name: String) throws -> [String] {
        let values = repeatedQuery(name).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        if values.contains("") { throw ConveyorError(.invalidInput, field: name, "must be a comma-separated list without empty entries") }
        return values
    }

    /// Every value of `name`, in order, never split: for values that may hold a comma (tags).
    func repeatedQuery(_ name: String) -> [String] {
        formQuery.filter { $0.name == name }.map(\.value)
    }

    func query(_ name: String) -> String? {
        formQuery.first { $0.name == name }?.value
    }

    /// The query as HTML forms and HTTP clients write it: `+` is a space (Hummingbird's own
    /// parameters keep it), then percent-escapes are decoded; a malformed escape stays as sent.
    private var formQuery: [(name: String, value: String)] {
        guard let query = uri.query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }
}
