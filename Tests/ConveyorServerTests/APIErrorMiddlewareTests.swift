import ConveyorServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: errors as answers")
struct APIErrorMiddlewareTests {
    /// A request cut short because the server is stopping (a worker's long poll, a call waiting
    /// on the database) is told to go again with a 503, not given an empty 500.
    @Test func aRequestCutShortByShutdownIsA503SayingSo() async throws {
        let router = Router()
        router.add(middleware: APIErrorMiddleware(prefix: ""))
        router.get("cut-short") { _, _ -> String in throw CancellationError() }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/cut-short", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body.contains(#""code":"stopping""#) && body.contains("send the request again"), "\(body)")
            }
        }
    }
}
