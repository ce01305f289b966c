public import Foundation
import Synchronization

extension Conveyor {
    /// Enqueues one job for `worker` with `args`.
    ///
    /// The job is durable when this returns. With unique options, a duplicate returns the
    /// existing job and `isDuplicate` is true.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the bad option; the store's error
    ///   if the insert failed (then nothing was inserted).
    @discardableResult
    public func enqueue<W: JobWorker>(_ worker: W.Type, args: W.Args, options: EnqueueOptions = EnqueueOptions()) async throws -> InsertResult {
        let insert = try options.resolve(kind: W.kind, args: RawJSON(encoding: args), defaults: W.options, now: clock.now())
        return try await insertChecked([insert])[0]
    }

    /// Enqueues one job that runs after `delay`.
    @discardableResult
    public func enqueue<W: JobWorker>(_ worker: W.Type, args: W.Args, in delay: Duration) async throws -> InsertResult {
        try await enqueue(worker, args: args, options: EnqueueOptions(delay: delay))
    }

    /// Enqueues one job that runs at `date`.
    @discardableResult
    public func enqueue<W: JobWorker>(_ worker: W.Type, args: W.Args, at date: Date) async throws -> InsertResult {
        try await enqueue(worker, args: args, options: EnqueueOptions(at: date))
    }

    /// Enqueues many jobs of one worker in one transaction: all are inserted or none.
    @discardableResult
    public func enqueueAll<W: JobWorker>(_ worker: W.Type, args: [W.Args], options: EnqueueOptions = EnqueueOptions()) async throws -> [InsertResult] {
        try await insertChecked(resolve(worker, args: args, options: options))
    }

    /// A job for each of `args`, resolved over the worker's options; errors name `args[i]`.
    func resolve<W: JobWorker>(_ worker: W.Type, args: [W.Args], options: EnqueueOptions) throws(ConveyorError) -> [JobInsert] {
        let now = clock.now()
        var inserts: [JobInsert] = []
        inserts.reserveCapacity(args.count)
        for (index, item) in args.enumerated() {
            do {
                inserts.append(try options.resolve(kind: W.kind, args: RawJSON(encoding: item), defaults: W.options, now: now))
            } catch {
                throw ConveyorError(error.code, field: "args[\(index)]" + (error.field.map { ".\($0)" } ?? ""), error.message)
            }
        }
        return inserts
    }

    /// Inserts prepared jobs of any kind in one transaction (the CLI and the HTTP API use it
    /// for kinds without a Swift worker in the process).
    ///
    /// - Throws: ``ConveyorError`` naming the first invalid job and field; nothing is inserted then.
    @discardableResult
    public func enqueue(_ jobs: [JobInsert]) async throws -> [InsertResult] {
        for (index, job) in jobs.enumerated() {
            do {
                try job.validate()
            } catch {
                throw jobs.count == 1 ? error : ConveyorError(error.code, field: "jobs[\(index)].\(error.field ?? "")", error.message)
            }
        }
        return try await insertChecked(jobs)
    }

    /// Inserts jobs already checked (``EnqueueOptions/resolve(kind:args:defaults:now:)``
    /// validates what it builds), announces them and wakes their queues.
    private func insertChecked(_ jobs: [JobInsert]) async throws -> [InsertResult] {
        guard !jobs.isEmpty else { return [] }
        let results = try await tracing.enqueue(jobs) { try await store.insert($0, now: clock.now()) }
        // Announced before this node's producers are woken, so watchers usually see a job's
        // `inserted` before its `started` (not always: see ``events()``).
        if wantsEvents {
            emit(results.filter { !$0.isDuplicate }.map { JobEvent(.inserted, $0.job, at: $0.job.insertedAt) })
        }
        var queues = Set<String>()
        for result in results where !result.isDuplicate {
            if result.job.state == .available { queues.insert(result.job.queue) }
        }
        for queue in queues { wake(queue: queue) }
        return results
    }
}

extension JobEvent {
    init(_ kind: Kind, _ job: Job, at: Date, progress: Double? = nil, message: String? = nil, details: JSONValue? = nil) {
        self.init(kind: kind, jobID: job.id, jobKind: job.kind, queue: job.queue, attempt: job.attempt, at: at,
                  progress: progress, message: message, tags: job.tags, details: details)
    }
}

extension Conveyor {
    /// Enqueues a job by kind name with JSON args: for callers without the worker's Swift type
    /// (the CLI, the HTTP API, other languages).
    ///
    /// The defaults are the options of the kind's worker: registered here (then `args` must
    /// decode for it), or declared by a node that has run it, even if none is up now. A kind no
    /// node declared is taken only with a queue named in `options`, with ``JobOptions``' defaults.
    ///
    /// - Throws: ``ConveyorError``: `unknownKind` if no node declared the kind and no queue is named;
    ///   `invalidArguments` if `args` is not what the kind's worker here takes; `invalidInput`
    ///   naming the option at fault. Nothing is inserted then.
    @discardableResult
    public func enqueue(kind: String, args: JSONValue = .object([:]), options: EnqueueOptions = EnqueueOptions()) async throws -> InsertResult {
        var known = KnownKinds()
        return try await insertChecked([prepare(kind: kind, args: args, options: options, known: &known)])[0]
    }

    /// The job ``enqueue(kind:args:options:)`` would insert, checked the same way; `known`
    /// keeps the kinds read from the store for many jobs. `checkingArgs: false` leaves the args
    /// to the worker (a schedule's were checked when it was stored; if the worker changed
    /// since, its run fails and counts against the schedule, rather than stopping every fire).
    package func prepare(kind: String, args: JSONValue, options: EnqueueOptions, checkingArgs: Bool = true,
                         known: inout KnownKinds) async throws -> JobInsert {
        try JobInsert.validateName(kind, field: "kind")
        guard case .object = args else { throw ConveyorError.invalid("args", "must be a JSON object, as in {\"ms\": 100}") }
        let raw = RawJSON(args)
        let defaults = try await defaults(forKind: kind, args: checkingArgs ? raw : nil, queueNamed: options.queue != nil, known: &known)
        var options = options
        if workers.withLock({ $0[kind] == nil }), let declared = try await known.declaration(of: kind, in: store) {
            try declared.carryRules(into: &options)
        }
        return try options.resolve(kind: kind, args: raw, defaults: defaults, now: clock.now())
    }

    /// The options a job of `kind` gets when it is named by kind (an enqueue, a schedule): its
    /// worker's here (then `args`, if given, must decode for it), else as a node declared them,
    /// else ``JobOptions``' defaults if the caller names the queue.
    ///
    /// - Throws: ``ConveyorError``: `invalidArguments`, or `unknownKind` naming `kind`.
    func defaults(forKind kind: String, args: RawJSON?, queueNamed: Bool, known: inout KnownKinds) async throws -> JobOptions {
        if let worker = workers.withLock({ $0[kind] }) {
            if let args { try worker.validateArgs(args) }
            return worker.options
        }
        if let declared = try await known.declaration(of: kind, in: store) { return declared.options }
        guard queueNamed else {
            throw ConveyorError(
                .unknownKind, field: "kind",
                "no node has declared kind '\(kind)' (a node declares its workers' kinds when it starts); start one, or name the queue to use it anyway")
        }
        return JobOptions()
    }

    /// Declares the registered workers' kinds with their options, so enqueues by kind get
    /// them on any node, even while this one is down.
    package func declareRegisteredKinds() async throws {
        let now = clock.now()
        let declared = workers.withLock { $0.values.map { DeclaredKind(kind: $0.kind, options: $0.options, node: node, at: now) } }
        try await store.declareKinds(declared.sorted { $0.kind < $1.kind })
    }
}

/// The declared kinds an enqueue by kind read from the store, so a batch reads each kind once.
package struct KnownKinds: Sendable {
    private var read: [String: DeclaredKind?] = [:]
    package init() {}

    mutating func declaration(of kind: String, in store: any JobStore) async throws -> DeclaredKind? {
        if let known = read[kind] { return known }
        let declared = try await store.declaredKind(kind)
        read[kind] = declared
        return declared
    }
}
