public import Conveyor
public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Calls a URL: the built-in worker that lets any language queue work over the HTTP API.
///
/// Args (snake_case):
/// ```json
/// {"url": "https://example.com/hooks/sync", "method": "POST", "headers": {"X-Token": "…"},
///  "body": {"contact_id": 42}, "timeout_seconds": 10, "success_statuses": [200, 201, 202, 204]}
/// ```
/// Only `url` is required; the method defaults to POST, the timeout to 30 seconds and success
/// to any 2xx. A success completes the job with `{"status": N, "body": "…"}` (the first 1,000
/// characters) as its result. A 408, a 429, any 5xx, a timeout or a connection failure is
/// retried with backoff; any other status discards the job (retrying would not help).
public struct HTTPWorker: JobWorker {
    /// The request to send.
    public struct Args: Codable, Sendable {
        /// The URL; http or https.
        public var url: String
        /// The HTTP method; POST when nil.
        public var method: String?
        /// Headers to send.
        public var headers: [String: String]?
        /// A JSON body to send.
        public var body: JSONValue?
        /// How long the request may take; 30 s when nil.
        public var timeoutSeconds: Double?
        /// The statuses that complete the job; any 2xx when nil.
        public var successStatuses: [Int]?

        enum CodingKeys: String, CodingKey {
            case url, method, headers, body
            case timeoutSeconds = "timeout_seconds"
            case successStatuses = "success_statuses"
        }

        /// A request to `url`.
        public init(url: String, method: String? = nil, headers: [String: String]? = nil, body: JSONValue? = nil,
                    timeoutSeconds: Double? = nil, successStatuses: [Int]? = nil) {
            self.url = url
            self.method = method
            self.headers = headers
            self.body = body
            self.timeoutSeconds = timeoutSeconds
            self.successStatuses = successStatuses
        }
    }

    /// `http`.
    public static let kind = "http"
    /// Ten attempts, 5 s backoff growing threefold.
    public static let options = JobOptions(maxAttempts: 10, backoff: .exponential(base: .seconds(5), factor: 3))

    let client: HTTPClient

    /// A worker on `client` (by default AsyncHTTPClient's shared client).
    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    /// Sends the request and stores the status and the start of the body as the job's result.
    public func perform(_ args: Args, context: JobContext) async throws {
        let request = try Self.request(args)
        let seconds = args.timeoutSeconds ?? 30
        guard seconds > 0, seconds <= 86_400 else {
            throw JobControl.discard(reason: "timeout_seconds must be more than 0 and at most 86400 (a day), got \(seconds)")
        }
        let timeout = TimeAmount.milliseconds(Int64(seconds * 1_000))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw HTTPCallFailed(description: "\(args.method ?? "POST") \(args.url) did not answer within \(args.timeoutSeconds ?? 30) s")
        }
        let status = Int(response.status.code)
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let excerpt = String(text.prefix(1_000))
        if args.successStatuses.map({ $0.contains(status) }) ?? (200..<300).contains(status) {
            try context.setResult(HTTPResult(status: status, body: excerpt))
            return
        }
        let message = "\(args.method ?? "POST") \(args.url) answered \(status): \(excerpt.prefix(200))"
        if status == 408 || status == 429 || status >= 500 { throw HTTPCallFailed(description: message) }
        throw JobControl.discard(reason: message)
    }

    /// The request the args describe; args that cannot make one discard the job.
    static func request(_ args: Args) throws -> HTTPClientRequest {
        guard let url = URL(string: args.url), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw JobControl.discard(reason: "url: '\(args.url)' is not an http or https URL")
        }
        var request = HTTPClientRequest(url: args.url)
        request.method = HTTPMethod(rawValue: (args.method ?? "POST").uppercased())
        for (name, value) in args.headers ?? [:] { request.headers.add(name: name, value: value) }
        if let body = args.body {
            if !request.headers.contains(name: "content-type") { request.headers.add(name: "content-type", value: "application/json") }
            request.body = .bytes(ByteBuffer(string: body.jsonText))
        }
        if let timeout = args.timeoutSeconds, !(timeout > 0 && timeout <= 3_600) {
            throw JobControl.discard(reason: "timeout_seconds: must be between 0 and 3600, got \(timeout)")
        }
        return request
    }
}

struct HTTPResult: Encodable {
    let status: Int
    let body: String
}

/// A call that may succeed later: retried with backoff.
struct HTTPCallFailed: Error, CustomStringConvertible {
    let description: String
}
