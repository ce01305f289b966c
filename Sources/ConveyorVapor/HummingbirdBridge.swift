import ConveyorServer
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Vapor

/// Answers Vapor requests with Conveyor's routes, which are written once for Hummingbird: each
/// request becomes a Hummingbird request for a router holding only those routes, and the
/// answer, streamed or not, becomes Vapor's.
struct HummingbirdBridge: Sendable {
    private let responder: RouterResponder<BridgedRequestContext>

    init(server: ConveyorServer, prefix: String) {
        let router = Hummingbird.Router(context: BridgedRequestContext.self)
        server.addRoutes(to: router, at: prefix)
        responder = router.buildResponder()
    }

    func respond(to request: Vapor.Request) async throws -> Vapor.Response {
        var fields = HTTPFields()
        for (name, value) in request.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let head = HTTPRequest(method: HTTPRequest.Method(request.method.rawValue) ?? .get, scheme: nil,
                               authority: request.headers.first(name: .host), path: request.url.string, headerFields: fields)
        let body = request.body.data ?? ByteBuffer()
        let context = BridgedRequestContext(source: BridgedRequestSource(logger: request.logger))
        let response: Hummingbird.Response
        do {
            response = try await responder.respond(to: Hummingbird.Request(head: head, body: RequestBody(buffer: body)), context: context)
        } catch {
            request.logger.error("conveyor route failed", metadata: ["error": "\(error)"])
            throw Abort(.internalServerError)
        }
        var headers = HTTPHeaders()
        for field in response.headers { headers.add(name: field.name.canonicalName, value: field.value) }
        let status = HTTPResponseStatus(statusCode: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        let answer = response.body
        if answer.contentLength != nil {
            let sink = CollectingWriter()
            try await answer.write(sink)
            return Vapor.Response(status: status, headers: headers, body: .init(buffer: sink.collected.buffer))
        }
        // A stream (the live events): written as it comes, until it ends or the client leaves.
        return Vapor.Response(status: status, headers: headers, body: .init(managedAsyncStream: { writer in
            try await answer.write(StreamingWriter(writer: writer))
        }))
    }
}

/// The context of Conveyor's routes inside a Vapor application.
struct BridgedRequestContext: ConveyorRequestContext {
    typealias Source = BridgedRequestSource
    var coreContext: CoreRequestContextStorage
    var conveyorAccess = ConveyorAccess()

    init(source: Source) {
        coreContext = .init(source: source)
    }
}

struct BridgedRequestSource: RequestContextSource {
    let logger: Logger
}

/// A whole answer of known length, gathered to hand Vapor one buffer.
private struct CollectingWriter: ResponseBodyWriter {
    final class Collected {
        var buffer = ByteBuffer()
    }

    let collected = Collected()

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collected.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

private struct StreamingWriter: ResponseBodyWriter {
    let writer: any AsyncBodyStreamWriter

    mutating func write(_ buffer: ByteBuffer) async throws {
        try await writer.writeBuffer(buffer)
    }

    // Vapor ends a managed stream itself once the closure returns.
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
