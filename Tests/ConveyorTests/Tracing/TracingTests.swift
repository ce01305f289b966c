import Conveyor
import ConveyorTesting
import Foundation
import InMemoryTracing
import Testing
import Tracing

@Suite("Tracing: a job's spans continue the trace that enqueued it")
struct TracingTests {
    @Test func anAttemptIsAChildOfTheRequestThatEnqueuedIt() async throws {
        let tracer = InMemoryTracer()
        let conveyor = try await makeConveyor { $0.tracer = tracer }
        conveyor.register(ScriptedWorker { args, _ in
            // The worker's own calls (an HTTP client, a database) join the trace.
            await tracer.withSpan("call hubspot", ofKind: .client) { _ in await Task.yield() }
            if args.step == 1 { throw TestFailure(description: "the API answered 502") }
        })
        let job = try await tracer.withSpan("POST /signup", ofKind: .server) { _ in
            try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
        }
        let failing = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1)).job
        #expect(try await conveyor.drain().map(\.state) == [.completed, .retryable])

        let spans = tracer.finishedSpans
        func span(_ name: String, trace: String? = nil) throws -> FinishedInMemorySpan {
            try #require(spans.first { $0.operationName == name && (trace == nil || $0.traceID == trace) }, "no span \(name) in \(spans.map(\.operationName))")
        }
        let request = try span("POST /signup")
        let enqueue = try span("enqueue test.scripted", trace: request.traceID)
        let claim = try span("claim default", trace: request.traceID)
        let run = try span("run test.scripted", trace: request.traceID)
        let call = try span("call hubspot", trace: request.traceID)
        #expect(enqueue.parentSpanID == request.spanID)
        #expect(enqueue.kind == .producer)
        #expect(claim.parentSpanID == enqueue.spanID)
        #expect(run.parentSpanID == claim.spanID)
        #expect(call.parentSpanID == run.spanID)
        #expect(run.attributes["messaging.message.id"]?.toSpanAttribute() == String(job.id).toSpanAttribute())
        #expect(run.attributes["conveyor.job.outcome"]?.toSpanAttribute() == "completed".toSpanAttribute())
        #expect(run.status == nil)

        // A job enqueued outside any trace starts its own; its failure marks its run span.
        let failedRun = try #require(spans.first {
            $0.operationName == "run test.scripted" && $0.attributes["messaging.message.id"]?.toSpanAttribute() == String(failing.id).toSpanAttribute()
        })
        #expect(failedRun.traceID != request.traceID)
        #expect(failedRun.status?.code == .error)
        #expect(failedRun.status?.message == "TestFailure: the API answered 502")
        #expect(failedRun.attributes["conveyor.job.outcome"]?.toSpanAttribute() == "retryable".toSpanAttribute())
    }

    @Test func withoutATracerNothingIsStoredInTheJob() async throws {
        let conveyor = try await makeConveyor()
        conveyor.register(ScriptedWorker())
        let tracer = InMemoryTracer()
        let job = try await tracer.withSpan("POST /signup") { _ in try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job }
        #expect(job.meta.value["trace_context"] == nil)
        #expect(try await conveyor.drain().map(\.state) == [.completed])
    }
}
