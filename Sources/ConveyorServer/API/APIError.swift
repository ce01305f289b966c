public import Conveyor
import Foundation
public import Hummingbird
import Logging

/// The error body every route answers with: `{"error": {"code", "message", "field"}}`, with a
/// status that follows the code.
public struct APIError: HTTPResponseError {
    /// The HTTP status answered.
    public let status: HTTPResponse.Status
    /// A stable code for programs (`invalid_input`, `not_found`, `forbidden`, …).
    public let code: String
    /// The input field at fault, dotted and snake_case, when one is.
    public let field: String?
    /// What is wrong and what to do, for people.
    public let message: String
    /// With 405: the methods the path is served with.
    var allow: [String] = []

    /// An error answered with `status`.
    public init(status: HTTPResponse.Status, code: String, field: String? = nil, message: String) {
        self.status = status
        self.code = code
        self.field = field
        self.message = message
    }

    /// A Conveyor error as the API reports it, its field named as in the API (snake_case).
    public init(_ error: ConveyorError) {
        let status: HTTPResponse.Status = switch error.code {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .unknownKind, .invalidArguments: .unprocessableContent
        case .conflict: .conflict
        case .storage: .serviceUnavailable
        default: .internalServerError
        }
        self.init(status: status, code: error.code.description, field: error.field?.snakeCased, message: error.message)
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }

    /// The error as a JSON body with its status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try APIEncoding.encoder.encode(Body(error: .init(code: code, message: message, field: field)))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns whatever a route throws into an ``APIError``: Conveyor's errors by their code, a
/// body that does not decode by the field at fault, anything else as a 500 that says little.
package struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where Conveyor is mounted (`/ops/jobs`), or "" at the root: the documented paths follow it.
    let prefix: String

    package init(prefix: String) { self.prefix = prefix }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as ConveyorError {
            // The client gets 503 and a short message; the database's own error is for the operator.
            if error.code == .storage { context.logger.error("request failed: the database did not answer", metadata: ["error": "\(error)"]) }
            throw APIError(error)
        } catch let error as DecodingError {
            throw APIError(Self.describe(error))
        } catch let error as HTTPError where error.status == .notFound {
            // No route: a path the API documents with other methods, or a method served nowhere, is a 405.
            let path = request.uri.path
            let documented = path.hasPrefix(prefix) ? AllowedMethods.documented.methods(for: String(path.dropFirst(prefix.count))) : nil
            let allow = documented ?? (Self.servedMethods.contains(request.method) ? [] : ["GET", "HEAD", "POST", "PUT", "DELETE"])
            guard !allow.isEmpty else {
                throw APIError(status: .notFound, code: "not_found", message: error.body ?? error.status.reasonPhrase)
            }
            var refusal = APIError(status: .methodNotAllowed, code: "method_not_allowed",
                                   message: "\(request.method) is not served at this path; it takes \(allow.joined(separator: ", "))")
            refusal.allow = allow
            throw refusal
        } catch let error as HTTPError {
            throw APIError(status: error.status, code: error.status == .notFound ? "not_found" : "bad_request",
                           message: error.body ?? error.status.reasonPhrase)
        } catch is CancellationError {
            // The server is stopping (or the client hung up, and reads nothing): a worker's
            // long poll or any request cut short is told to go again, not that the server failed.
            throw APIError(status: .serviceUnavailable, code: "stopping", message: "the server is stopping; send the request again")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(status: .internalServerError, code: "internal", message: "the server failed to answer; see its log")
        }
    }

    /// A request with another method (TRACE, PATCH, …) finds no route: it gets 405, not 404.
    static var servedMethods: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .delete] }

    /// The field (as a dotted snake_case path) and what is wrong with it.
    static func describe(_ error: DecodingError) -> ConveyorError {
        func path(_ keys: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let all = keys + (last.map { [$0] } ?? [])
            return all.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue.snakeCased }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return ConveyorError(.invalidInput, field: path(context.codingPath, key), "is required")
        case .typeMismatch(let type, let context):
            return ConveyorError(.invalidInput, field: path(context.codingPath), "must be \(Self.name(of: type))")
        case .valueNotFound(let type, let context):
            return ConveyorError(.invalidInput, field: path(context.codingPath), "must be \(Self.name(of: type)), not null")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return ConveyorError(.invalidInput, field: "body", "is not valid JSON")
        case .dataCorrupted(let context):
            return ConveyorError(.invalidInput, field: path(context.codingPath), Self.explain(context.debugDescription))
        @unknown default:
            return ConveyorError(.invalidInput, field: "body", "could not be read")
        }
    }

    /// Foundation's words for a bad value, in the API's: no Swift type names.
    private static func explain(_ description: String) -> String {
        if description.contains("ISO8601") { return "must be an ISO 8601 time such as 2026-12-01T08:00:00Z" }
        if description.hasPrefix("Cannot initialize") { return "is not one of the values the API documents" }
        if description.contains("does not fit") || description.contains("Number") { return "is out of range" }
        return description
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: Any].Type, is [String: JSONValue].Type: "a JSON object"
        case is [Any].Type, is [String].Type, is [JSONValue].Type: "an array"
        default: "of the type the API documents"
        }
    }
}

extension String {
    var snakeCased: String {
        unicodeScalars.reduce(into: "") { result, scalar in
            if CharacterSet.uppercaseLetters.contains(scalar) {
                result += "_" + String(scalar).lowercased()
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
}
