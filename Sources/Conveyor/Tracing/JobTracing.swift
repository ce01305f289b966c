import Foundation
import Instrumentation
import Tracing

/// A job's spans (swift-distributed-tracing): `enqueue KIND` around an enqueue, and for each
/// attempt `claim QUEUE` (from the start of the claim that took it to the attempt's start)
/// with `run KIND` under it. The enqueuing task's trace context travels in the job's meta
/// (`trace_context`), so an attempt's spans continue the trace of the request that enqueued
/// the job, on whichever node runs it.
///
/// With no tracer bootstrapped (`NoOpTracer`), nothing is started and nothing is stored; the
/// tracer is looked up once per enqueue and once per claim, never per claimed job.
package struct JobTracing: Sendable {
    private let configured: (any Tracer)?

    /// `tracer`, or the process's `InstrumentationSystem.tracer` (read at each use) when nil.
    init(_ tracer: (any Tracer)?) {
        configured = tracer
    }

    /// The tracer to use now, or nil when tracing is off.
    var tracer: (any Tracer)? {
        let tracer = configured ?? InstrumentationSystem.tracer
        return tracer is NoOpTracer ? nil : tracer
    }

    /// Runs `insert` with `jobs` in an `enqueue` span, each job carrying the span's context.
    func enqueue<T>(_ jobs: [JobInsert], _ insert: ([JobInsert]) async throws -> T) async throws -> T {
        guard let tracer else { return try await insert(jobs) }
        let kinds = Set(jobs.lazy.map(\.kind))
        let name = kinds.count == 1 ? "enqueue \(jobs[0].kind)" : "enqueue"
        return try await tracer.withSpan(name, ofKind: .producer) { span in
            span.attributes["messaging.system"] = "conveyor"
            span.attributes["messaging.operation.type"] = "send"
            if jobs.count > 1 { span.attributes["messaging.batch.message_count"] = jobs.count }
            if let queue = jobs.first?.queue, jobs.allSatisfy({ $0.queue == queue }) { span.attributes["messaging.destination.name"] = queue }
            return try await insert(Self.carrying(span.context, in: jobs, with: tracer))
        }
    }

    /// `jobs` carrying the current task's trace context (for inserts in the caller's own
    /// transaction, where no enqueue span is started).
    package static func carryingCurrentContext(in jobs: [JobInsert]) -> [JobInsert] {
        let tracer = InstrumentationSystem.tracer
        guard !(tracer is NoOpTracer), let context = ServiceContext.current else { return jobs }
        return carrying(context, in: jobs, with: tracer)
    }

    private static func carrying(_ context: ServiceContext, in jobs: [JobInsert], with tracer: any Tracer) -> [JobInsert] {
        var carrier: [String: String] = [:]
        tracer.inject(context, into: &carrier, using: DictionaryInjector())
        guard !carrier.isEmpty else { return jobs }
        let value = JSONValue.object(carrier.mapValues(JSONValue.string))
        return jobs.map { job in
            var job = job
            job.meta = JobMeta.setting(JobMeta.traceContext, to: value, in: job.meta)
            return job
        }
    }

    /// Taken before every claim: nil when tracing is off.
    func claimStarted() -> ClaimTrace? {
        tracer.map { ClaimTrace(tracer: $0, startedAt: DefaultTracerClock.now) }
    }

    /// Runs `attempt` of `job` in a `run` span under a `claim` span from the claim's start to
    /// now, both continuing the trace the job carries; the run span records the outcome.
    static func run(_ job: Job, claim trace: ClaimTrace?, _ attempt: () async -> PendingAck?) async -> PendingAck? {
        guard let trace else { return await attempt() }
        let tracer = trace.tracer
        var parent = ServiceContext.topLevel
        if case .object(let fields)? = job.meta.value[JobMeta.traceContext] {
            tracer.extract(fields.compactMapValues { if case .string(let text) = $0 { text } else { nil } }, into: &parent, using: DictionaryExtractor())
        }
        let claim = tracer.startSpan("claim \(job.queue)", context: parent, ofKind: .consumer, at: trace.startedAt)
        claim.attributes["messaging.system"] = "conveyor"
        claim.attributes["messaging.operation.type"] = "receive"
        claim.attributes["messaging.destination.name"] = job.queue
        claim.end()
        let run = tracer.startSpan("run \(job.kind)", context: claim.context, ofKind: .consumer)
        run.attributes["messaging.system"] = "conveyor"
        run.attributes["messaging.operation.type"] = "process"
        run.attributes["messaging.destination.name"] = job.queue
        run.attributes["messaging.message.id"] = String(job.id)
        run.attributes["conveyor.job.kind"] = job.kind
        run.attributes["conveyor.job.attempt"] = job.attempt
        let pending = await ServiceContext.$current.withValue(run.context) { await attempt() }
        if let pending {
            run.attributes["conveyor.job.outcome"] = pending.ack.resultingState.rawValue
            if let error = pending.ack.error { run.setStatus(SpanStatus(code: .error, message: error.message)) }
        }
        run.end()
        return pending
    }
}

/// The tracer and start of one claim, shared by the jobs it took.
struct ClaimTrace: Sendable {
    let tracer: any Tracer
    let startedAt: DefaultTracerClock.Instant
}

private struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

private struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
