public import Hummingbird

/// Requires `Authorization: Bearer KEY` with a key whose scope covers the route. Without any
/// key configured every request passes (the server then listens on loopback only).
///
/// A GET may instead carry a signed-in dashboard session's cookie, so the dashboard's pages
/// can follow the event stream (a browser's `EventSource` sends no headers). Changes always
/// need the header: a cookie alone never authorises them.
public struct APIKeyMiddleware<Context: ConveyorRequestContext>: RouterMiddleware {
    let keys: APIKeys
    let sessions: DashboardSessions?

    /// Checks requests against `keys`.
    public init(keys: APIKeys) {
        self.init(keys: keys, sessions: nil)
    }

    init(keys: APIKeys, sessions: DashboardSessions?) {
        self.keys = keys
        self.sessions = sessions
    }

    /// Lets the request through with its key's scope in its context, or answers 401.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard !keys.isEmpty else {
            context.conveyorAccess.scope = .admin
            return try await next(request, context)
        }
        if request.headers[.authorization] == nil, request.method == .get,
           let session = sessions?.session(request.cookies[DashboardSessions.cookieName]?.value) {
            context.conveyorAccess.scope = session.scope
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(status: .unauthorized, code: "unauthorized", field: "authorization",
                           message: "send an API key as 'Authorization: Bearer KEY'")
        }
        guard let grant = keys.grant(of: header.dropFirst("Bearer ".count)) else {
            throw APIError(status: .unauthorized, code: "unauthorized", field: "authorization", message: "the API key is not known here")
        }
        context.conveyorAccess.scope = grant.scope
        context.conveyorAccess.workQueues = grant.workQueues
        return try await next(request, context)
    }
}

extension ConveyorRequestContext {
    /// Refuses the request unless its key may work jobs of every one of `queues`: a write or
    /// admin key, or a worker's key naming them.
    func requireWork(on queues: some Sequence<String>) throws {
        let scope = conveyorAccess.scope
        if let scope, scope >= .write { return }
        guard let allowed = conveyorAccess.workQueues else {
            throw APIError(status: .forbidden, code: "forbidden", field: "authorization",
                           message: "this needs a worker's key (KEY:work:QUEUE+QUEUE) or one with the write scope; yours has \(scope?.rawValue ?? "none")")
        }
        for queue in queues where !allowed.contains(queue) {
            throw APIError(status: .forbidden, code: "forbidden", field: "authorization",
                           message: "this key works \(allowed.sorted().joined(separator: ", ")), not queue '\(queue)'")
        }
    }

    /// Refuses the request unless its key has at least `scope`.
    func require(_ scope: APIScope) throws {
        guard let granted = conveyorAccess.scope, granted >= scope else {
            throw APIError(status: .forbidden, code: "forbidden", field: "authorization",
                           message: "this needs a key with the \(scope.rawValue) scope; yours has \(conveyorAccess.scope?.rawValue ?? "none")")
        }
    }
}
