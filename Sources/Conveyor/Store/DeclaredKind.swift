package import Foundation

/// A job kind as a node or a worker process declared it: the options its worker gives new jobs.
/// Nodes declare their kinds when they start, so an enqueue by kind name (the API, the CLI)
/// gets the worker's queue, attempts, uniqueness and hooks while no node running the kind is
/// up. A Swift worker applies its backoff and timeout when it runs a job, so a node declares
/// none; a worker process's (``WorkerKind``) are declared, and its jobs carry them.
package struct DeclaredKind: Sendable, Hashable, Codable {
    package var kind: String
    package var queue: String
    package var priority: Int
    package var maxAttempts: Int
    package var tags: [String]
    package var unique: StoredUnique?
    package var hooks: OutcomeHooks?
    package var backoff: StoredBackoff?
    package var timeoutSeconds: Double?
    package var declaredBy: String
    package var declaredAt: Date

    package init(kind: String, options: JobOptions, node: String, at now: Date) {
        self.kind = kind
        queue = options.queue
        priority = options.priority
        maxAttempts = options.maxAttempts
        tags = options.tags
        unique = options.unique.flatMap(StoredUnique.init)
        hooks = options.hooks
        declaredBy = node
        declaredAt = now
    }

    /// A worker process's kind, already checked.
    init(_ declared: WorkerKind, worker: String, at now: Date) {
        kind = declared.kind
        queue = declared.queue
        priority = declared.priority
        maxAttempts = declared.maxAttempts
        tags = declared.tags
        backoff = declared.backoff?.stored
        timeoutSeconds = declared.timeout?.seconds
        declaredBy = worker
        declaredAt = now
    }

    /// The options an enqueue by kind takes as its defaults.
    package var options: JobOptions {
        JobOptions(queue: queue, priority: priority, maxAttempts: maxAttempts, unique: unique?.options, tags: tags, hooks: hooks)
    }

    /// Gives an enqueue by kind the declared backoff and timeout, unless it sets its own: the
    /// job then carries them to the worker process, which cannot apply the server's rules.
    func carryRules(into options: inout EnqueueOptions) throws(ConveyorError) {
        if options.backoff == nil, let backoff { options.backoff = try backoff.backoff() }
        if options.timeout == nil, let timeoutSeconds { options.timeout = try .seconds(checked: timeoutSeconds, field: "timeout_seconds") }
    }

    enum CodingKeys: String, CodingKey {
        case kind, queue, priority, tags, unique, hooks, backoff
        case maxAttempts = "max_attempts", timeoutSeconds = "timeout_seconds", declaredBy = "declared_by", declaredAt = "declared_at"
    }
}

/// ``UniqueOptions`` as a declared kind stores them. A key of the worker's own (`.key`) is
/// per enqueue, not per kind, and is not stored.
package struct StoredUnique: Sendable, Hashable, Codable {
    var by: String
    var keys: [String]?
    var periodSeconds: Double?
    var states: [JobState]

    init?(_ unique: UniqueOptions) {
        switch unique.basis {
        case .args: by = "args"
        case .kindOnly: by = "kind"
        case .keys(let fields): (by, keys) = ("keys", fields)
        case .key: return nil
        }
        periodSeconds = unique.period.map(\.seconds)
        states = unique.states.sorted()
    }

    var options: UniqueOptions {
        let basis: UniqueOptions.Basis = switch by {
        case "kind": .kindOnly
        case "keys": .keys(keys ?? [])
        default: .args
        }
        return UniqueOptions(by: basis, period: periodSeconds.map { .seconds($0) }, states: Set(states))
    }

    enum CodingKeys: String, CodingKey {
        case by, keys, states
        case periodSeconds = "period_seconds"
    }
}
