public import Hummingbird

/// Requires `Authorization: Bearer KEY` with a key whose scope covers the route. Without any
/// key configured every request passes (the server then listens on loopback only).
public struct APIKeyMiddleware: RouterMiddleware {
    public typealias Context = ConveyorRequestContext
    let keys: APIKeys

    public init(keys: APIKeys) {
        self.keys = keys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard !keys.isEmpty else {
            context.scope = .admin
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(status: .unauthorized, code: "unauthorized", field: "authorization",
                           message: "send an API key as 'Authorization: Bearer KEY'")
        }
        guard let scope = keys.scope(of: header.dropFirst("Bearer ".count)) else {
            throw APIError(status: .unauthorized, code: "unauthorized", field: "authorization", message: "the API key is not known here")
        }
        context.scope = scope
        return try await next(request, context)
    }
}

extension ConveyorRequestContext {
    /// Refuses the request unless its key has at least `scope`.
    func require(_ scope: APIScope) throws {
        guard let granted = self.scope, granted >= scope else {
            throw APIError(status: .forbidden, code: "forbidden", field: "authorization",
                           message: "this needs a key with the \(scope.rawValue) scope; yours has \(self.scope?.rawValue ?? "none")")
        }
    }
}
