import Foundation

/// The methods each documented path serves, read from the OpenAPI document, so that a request
/// with another method gets 405 and an `Allow` header listing them instead of a 404.
struct AllowedMethods: Sendable {
    private struct Route: Sendable {
        /// A path's segments; nil where the template has a parameter (`{id}`).
        let segments: [String?]
        let methods: [String]
    }

    private let routes: [Route]

    static let documented = AllowedMethods(document: OpenAPIDocument.json)

    init(document: String) {
        let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any]
        let paths = object?["paths"] as? [String: [String: Any]] ?? [:]
        routes = paths.map { template, operations in
            let segments = template.split(separator: "/").map { $0.hasPrefix("{") ? nil : String($0) }
            let methods = Self.order.filter { operations[$0.lowercased()] != nil }
            return Route(segments: segments, methods: methods)
        }
    }

    private static let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]

    /// The methods `path` is served with, or nil when no documented path has its shape. A
    /// literal segment wins over a parameter: `/jobs/retry` is not `/jobs/{id}`.
    func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let matches = routes.filter { route in
            route.segments.count == parts.count
                && zip(route.segments, parts).allSatisfy { segment, part in segment.map { $0 == part } ?? !part.isEmpty }
        }
        return matches.max { $0.segments.compactMap { $0 }.count < $1.segments.compactMap { $0 }.count }?.methods
    }
}
