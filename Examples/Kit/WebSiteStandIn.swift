import Foundation
public import Hummingbird
import NIOCore
import Synchronization

/// A web server with fixed pages and files: the site a crawl visits, or a bucket's public
/// URL (R2's `r2.dev` or custom domain) a file is downloaded from.
public final class WebSiteStandIn: Sendable {
    private let pages = Mutex<[String: (type: String, body: String)]>([:])
    private let visits = Mutex<[String: Int]>([:])
    public let faults = Faults()

    public init() {}

    /// Serves `body` at `path` (starting with `/`).
    public func put(_ path: String, _ body: String, type: String = "text/html; charset=utf-8") {
        pages.withLock { $0[path] = (type, body) }
    }

    /// GET requests per path.
    public var requests: [String: Int] { visits.withLock { $0 } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        let answer: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let path = request.uri.path
            self.visits.withLock { $0[path, default: 0] += 1 }
            if let fault = try await self.faults.response(for: path) { return fault }
            guard let page = self.pages.withLock({ $0[path] }) else {
                return Response(status: .notFound, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<h1>Not Found</h1>")))
            }
            return Response(status: .ok, headers: [.contentType: page.type], body: .init(byteBuffer: ByteBuffer(string: page.body)))
        }
        router.get("/", use: answer)
        router.get("**", use: answer)
        return router
    }
}
