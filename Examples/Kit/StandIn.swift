public import Hummingbird
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// A local server that answers as an outside service does (HubSpot, OpenAI…), for tests and
/// demos, reached by the example's real HTTP client at its base URL.
public enum StandIn {
    /// Serves `router` on a free port of 127.0.0.1 while `body` runs; `body` gets the base URL.
    public static func serve<T: Sendable>(
        _ router: Router<BasicRequestContext>, port: Int = 0, _ body: (String) async throws -> T
    ) async throws -> T {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "stand-in")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? 0)
                boundContinuation.finish()
            },
            logger: logger)
        // Stopped gracefully, not cancelled: connections a client keeps open close quietly.
        let service = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            do {
                var ports = bound.makeAsyncIterator()
                guard let port = await ports.next() else { throw CancellationError() }
                let answer = try await body("http://127.0.0.1:\(port)")
                await service.triggerGracefulShutdown()
                try await group.waitForAll()
                return answer
            } catch {
                await service.triggerGracefulShutdown()
                throw error
            }
        }
    }
}

/// A stand-in's JSON answer.
public enum StandInAnswer {
    /// `value` as JSON (dates as ISO 8601) with `status`.
    public static func json(_ value: some Encodable, status: Int = 200) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }
}

/// What a stand-in does instead of answering normally, once per planned use.
public enum Fault: Sendable {
    /// An error status with the service's own error body.
    case status(Int, body: String)
    /// A slow answer: the client's timeout ends the call first.
    case delay(Duration)
    /// 200 with a body that is not what the service sends.
    case malformed
}

/// Faults planned per operation of a stand-in ("contacts.create"), used in order.
public final class Faults: Sendable {
    private let planned = Mutex<[String: [Fault]]>([:])

    public init() {}

    /// The next `times` calls of `operation` get `fault`.
    public func plan(_ fault: Fault, times: Int = 1, on operation: String) {
        planned.withLock { $0[operation, default: []] += Array(repeating: fault, count: times) }
    }

    /// Faults not yet used.
    public var pending: Int { planned.withLock { $0.values.map(\.count).reduce(0, +) } }

    /// The response a planned fault gives `operation`, if one is planned; nil: answer normally
    /// (after any planned delay).
    public func response(for operation: String) async throws -> Response? {
        let fault = planned.withLock { planned -> Fault? in
            guard var list = planned[operation], !list.isEmpty else { return nil }
            let fault = list.removeFirst()
            planned[operation] = list
            return fault
        }
        switch fault {
        case nil:
            return nil
        case .status(let status, let body)?:
            return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        case .delay(let duration)?:
            try await Task.sleep(for: duration)
            return nil
        case .malformed?:
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"results\": [tru")))
        }
    }
}
