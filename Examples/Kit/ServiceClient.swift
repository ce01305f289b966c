public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A JSON API of an outside service at a configurable base URL, called with AsyncHTTPClient.
/// Every failure is a ``ServiceError`` naming the service and the call, so that it reads well
/// as a job's error.
public struct ServiceClient: Sendable {
    public var service: String
    public var baseURL: String
    public var headers: [(String, String)]
    public var timeout: Duration
    private let http: HTTPClient

    public init(service: String, baseURL: String, headers: [(String, String)] = [], timeout: Duration = .seconds(30),
                http: HTTPClient = .shared) {
        self.service = service
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.headers = headers
        self.timeout = timeout
        self.http = http
    }

    /// Sends `body` as JSON and decodes the answer as `Answer`.
    public func send<Answer: Decodable>(
        _ method: Method, _ path: String, body: (some Encodable & Sendable)? = Optional<Empty>.none, as: Answer.Type = Answer.self
    ) async throws -> Answer {
        let data = try await sendRaw(method, path, body: body)
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw ServiceError(service: service, call: Self.call(method, path), problem: .malformed("\(error)"))
        }
    }

    /// Sends `body` as JSON; answers the body of a 2xx answer.
    public func sendRaw(_ method: Method, _ path: String, body: (some Encodable & Sendable)? = Optional<Empty>.none) async throws -> Data {
        try await exchange(method, path, body: try body.map { ("application/json", try JSONEncoder().encode($0)) })
    }

    /// Posts `form` as `application/x-www-form-urlencoded` (OAuth token endpoints) and decodes the JSON answer.
    public func postForm<Answer: Decodable>(_ path: String, form: [(String, String)], as: Answer.Type = Answer.self) async throws -> Answer {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let encoded = form.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")" }.joined(separator: "&")
        let data = try await exchange(.POST, path, body: ("application/x-www-form-urlencoded", Data(encoded.utf8)))
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw ServiceError(service: service, call: Self.call(.POST, path), problem: .malformed("\(error)"))
        }
    }

    private func exchange(_ method: Method, _ path: String, body: (type: String, data: Data)?) async throws -> Data {
        let call = Self.call(method, path)
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: body.type)
            request.body = .bytes(ByteBuffer(data: body.data))
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: TimeAmount(timeout))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw ServiceError(service: service, call: call, problem: .timeout(timeout))
        } catch {
            throw ServiceError(service: service, call: call, problem: .unreachable("\(error)"))
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let data = Data(buffer: bytes)
        guard (200..<300).contains(response.status.code) else {
            throw ServiceError(service: service, call: call, problem: .status(Int(response.status.code), String(decoding: data.prefix(300), as: UTF8.self)))
        }
        return data
    }

    /// The call as errors name it: without the query, which may hold a key.
    static func call(_ method: Method, _ path: String) -> String { "\(method) \(path.prefix { $0 != "?" })" }

    public enum Method: String, Sendable {
        case GET, POST, PUT, PATCH, DELETE
    }

    /// No body.
    public struct Empty: Codable, Sendable {}
}

/// A call to an outside service that did not give a usable answer.
public struct ServiceError: Error, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case status(Int, String)
        case timeout(Duration)
        case unreachable(String)
        case malformed(String)
    }

    public let service: String
    public let call: String
    public let problem: Problem

    public init(service: String, call: String, problem: Problem) {
        self.service = service
        self.call = call
        self.problem = problem
    }

    public var status: Int? {
        if case .status(let code, _) = problem { return code }
        return nil
    }

    public var description: String {
        switch problem {
        case .status(let code, let body): "\(service) answered \(code) to \(call): \(body)"
        case .timeout(let limit): "\(service) did not answer \(call) within \(limit)"
        case .unreachable(let reason): "\(service) could not be reached for \(call): \(reason)"
        case .malformed(let reason): "\(service) answered \(call) with a body that is not what it documents: \(reason)"
        }
    }
}
