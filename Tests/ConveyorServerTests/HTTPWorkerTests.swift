import Conveyor
import ConveyorHTTP
import ConveyorSQLite
import ConveyorTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The `http` worker against a real HTTP server on loopback.
@Suite("Built-in worker: http")
struct HTTPWorkerTests {
    @Test func successRetryAndDiscardFollowTheStatus() async throws {
        let calls = Mutex<[String]>([])
        let router = Router()
        router.post("ok") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 10_000))
            calls.withLock { $0.append("ok \(request.headers[HTTPField.Name("X-Token")!] ?? "-") \(body)") }
            return Response(status: .accepted, body: .init(byteBuffer: ByteBuffer(string: "queued")))
        }
        router.get("missing") { _, _ in Response(status: .notFound) }
        router.get("busy") { _, _ in Response(status: .tooManyRequests) }
        let flaky = Atomic<Int>(0)
        router.put("flaky") { _, _ in
            flaky.add(1, ordering: .relaxed).newValue == 1 ? Response(status: .serviceUnavailable) : Response(status: .noContent)
        }
        router.get("slow") { _, _ in
            try await Task.sleep(for: .seconds(2))
            return Response(status: .ok)
        }
        let target = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await target.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let clock = ManualClock()
            let store = try SQLiteJobStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString).sqlite").path)
            let conveyor = try await Conveyor(storingIn: store, configuration: ConveyorConfiguration(queues: [:], clock: clock))
            conveyor.register(HTTPWorker())
            func enqueue(_ json: String) async throws -> Int64 {
                try await conveyor.enqueue(kind: "http", args: JSONValue(parsing: json, field: "args")).job.id
            }

            let ok = try await enqueue(#"{"url": "\#(base)/ok", "headers": {"X-Token": "t1"}, "body": {"contact_id": 42}}"#)
            let missing = try await enqueue(#"{"url": "\#(base)/missing", "method": "GET"}"#)
            let busy = try await enqueue(#"{"url": "\#(base)/busy", "method": "GET"}"#)
            let flakyJob = try await enqueue(#"{"url": "\#(base)/flaky", "method": "PUT", "success_statuses": [204]}"#)
            let slow = try await enqueue(#"{"url": "\#(base)/slow", "method": "GET", "timeout_seconds": 0.3}"#)
            let bad = try await enqueue(#"{"url": "ftp://example.com/file"}"#)
            _ = try await conveyor.drain()

            var job = try await conveyor.job(id: ok)
            #expect(job.state == .completed)
            #expect(job.meta.value["result"] == .object(["status": .number(202), "body": .string("queued")]))
            #expect(calls.withLock { $0 } == [#"ok t1 {"contact_id":42}"#])
            job = try await conveyor.job(id: missing)
            #expect(job.state == .discarded)
            #expect(job.errors.last?.message.contains("answered 404") == true)
            #expect(try await conveyor.job(id: busy).state == .retryable, "429 is retried")
            #expect(try await conveyor.job(id: flakyJob).state == .retryable, "503 is retried")
            job = try await conveyor.job(id: slow)
            #expect(job.state == .retryable, "a timeout is retried")
            #expect(job.errors.last?.message.contains("did not answer within 0.3 s") == true, "\(job.errors)")
            job = try await conveyor.job(id: bad)
            #expect(job.state == .discarded && job.errors.last?.message.contains("is not an http or https URL") == true)

            // After the backoff the flaky endpoint answers 204: success as configured.
            clock.advance(by: .seconds(60))
            _ = try await conveyor.drain()
            #expect(try await conveyor.job(id: flakyJob).state == .completed)
        }
    }
}
