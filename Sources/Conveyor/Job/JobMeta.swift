/// The keys of a job's meta that Conveyor writes. A job's batch and hooks travel in its meta,
/// which every insert and every claim already carry, so jobs without them cost nothing more.
enum JobMeta {
    static let batchID = "batch_id"
    static let hooks = "hooks"
    static let backoff = "backoff"
    static let timeout = "timeout_seconds"
    /// The enqueuing task's trace context (``JobTracing``); an enqueue may set it, as a producer
    /// in another language carrying its own trace would.
    static let traceContext = "trace_context"
    /// Keys an enqueue may not set in its meta: counts, hooks and retries would go wrong.
    static let reserved: Set<String> = [batchID, hooks, backoff, timeout]

    /// Whether `meta` may name a batch or hooks. A text search: false positives only cost a
    /// look at the row when the job ends, and it runs for every job that ends.
    static func mayHaveFinalEffects(_ meta: RawJSON) -> Bool {
        let text = meta.text
        guard text.utf8.count > 2 else { return false }
        return text.contains("\"batch_id\"") || text.contains("\"hooks\"")
    }

    static func setting(_ key: String, to value: JSONValue?, in meta: RawJSON) -> RawJSON {
        guard case .object(var object) = meta.value else { return meta }
        object[key] = value
        return RawJSON(.object(object))
    }
}

extension Job {
    /// Whether its end may store more than its outcome (``FinalEffects``): it carries a batch
    /// or hooks, or a schedule fired it. Checked for every job that ends, without parsing.
    var mayHaveFinalEffects: Bool {
        JobMeta.mayHaveFinalEffects(meta) || uniqueKey?.hasPrefix(ScheduleKey.storedPrefix) == true
    }

    /// The batch the job belongs to, if any.
    public var batchID: Int64? {
        guard JobMeta.mayHaveFinalEffects(meta), case .number(let id)? = meta.value[JobMeta.batchID] else { return nil }
        return Int64(exactly: id)
    }

    /// The jobs to enqueue when this one ends, if any.
    public var hooks: OutcomeHooks? { Self.hooks(in: meta) }

    /// The backoff its enqueue gave it, over its worker's.
    var ownBackoff: Backoff? {
        guard meta.text.utf8.count > 2, meta.text.contains("\"backoff\""), let value = meta.value[JobMeta.backoff] else { return nil }
        return try? RawJSON(value).decode(StoredBackoff.self, field: "backoff").backoff()
    }

    /// The timeout its enqueue gave it, over its worker's.
    var ownTimeout: Duration? {
        guard meta.text.utf8.count > 2, meta.text.contains("\"timeout_seconds\""), case .number(let seconds)? = meta.value[JobMeta.timeout] else { return nil }
        return try? Duration.seconds(checked: seconds, field: "timeout_seconds")
    }
}

extension JobInsert {
    /// The jobs to enqueue when this one ends (kept in its meta under `hooks`).
    public var hooks: OutcomeHooks? {
        get { Job.hooks(in: meta) }
        set {
            let value = newValue.flatMap { $0.isEmpty ? nil : try? RawJSON(encoding: $0, field: "hooks").value }
            meta = JobMeta.setting(JobMeta.hooks, to: value, in: meta)
        }
    }

    /// The batch it joins; set by the store that inserts a batch.
    package var batchID: Int64? {
        get { if case .number(let id)? = meta.value[JobMeta.batchID] { Int64(exactly: id) } else { nil } }
        set { meta = JobMeta.setting(JobMeta.batchID, to: newValue.map { .number(Double($0)) }, in: meta) }
    }
}

extension Job {
    fileprivate static func hooks(in meta: RawJSON) -> OutcomeHooks? {
        guard JobMeta.mayHaveFinalEffects(meta), let hooks = meta.value[JobMeta.hooks] else { return nil }
        return try? RawJSON(hooks).decode(OutcomeHooks.self, field: "hooks")
    }
}
