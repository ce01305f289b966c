import Synchronization

/// Signed-in dashboard browsers: a random session token (an HttpOnly, SameSite=Strict cookie)
/// maps to the scope of the key that signed in, and to the token every form must carry.
///
/// The key itself never reaches the browser. Sessions live in memory: a restart signs
/// everyone out. The oldest are forgotten past `capacity`.
final class DashboardSessions: Sendable {
    struct Session: Sendable {
        let scope: APIScope
        /// Sent back in each form; a form from another site cannot know it.
        let formToken: String
    }

    static let cookieName = "conveyor_session"
    private let sessions = Mutex<(byToken: [String: Session], order: [String])>(([:], []))
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// A new session with `scope`; answers its cookie value.
    func start(scope: APIScope) -> (token: String, session: Session) {
        let token = Self.randomToken(), session = Session(scope: scope, formToken: Self.randomToken())
        sessions.withLock { state in
            state.byToken[token] = session
            state.order.append(token)
            if state.order.count > capacity {
                state.byToken[state.order.removeFirst()] = nil
            }
        }
        return (token, session)
    }

    func session(_ token: String?) -> Session? {
        guard let token else { return nil }
        return sessions.withLock { $0.byToken[token] }
    }

    func end(_ token: String?) {
        guard let token else { return }
        sessions.withLock { $0.byToken[token] = nil }
    }

    /// 128 random bits as hex, from the system's secure generator.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
    }
}
