import Foundation
import Logging
import Synchronization

extension Conveyor {
    /// Fires due schedules every `schedulerInterval` until cancelled.
    func schedulerLoop() async {
        while !Task.isCancelled {
            do {
                try await declareConfiguredSchedules()
                try await fireDueSchedules()
            } catch where !Task.isCancelled {
                logger.error("firing schedules failed", metadata: ["error": "\(error)"])
            } catch {
                return  // shutdown cancelled the pass: not a failure
            }
            try? await timers.sleep(for: configuration.schedulerInterval)
        }
    }

    /// One pass: every due schedule whose job kind runs here is fired, skipped or recorded
    /// as missed. Every node may do this at once: the store lets one of them win each fire.
    @discardableResult
    package func fireDueSchedules() async throws -> [String: ScheduleFireResult] {
        let now = clock.now()
        var results: [String: ScheduleFireResult] = [:]
        var known = KnownKinds()
        for schedule in try await store.dueSchedules(now: now) {
            guard let plan = FirePlan(for: schedule, now: now), try await firesHere(schedule.definition.kind, known: &known) else { continue }
            let job = plan.runs ? try await scheduleJob(schedule.definition, key: ScheduleKey.fire(schedule.name, at: plan.fireAt),
                                                        fireAt: plan.fireAt, known: &known) : nil
            let fire = ScheduleFire(name: schedule.name, expectedNextRunAt: schedule.nextRunAt, nextRunAt: plan.nextRunAt,
                                    fireAt: plan.fireAt, job: job, skipWhileRunning: schedule.definition.overlap == .skip)
            let result = try await store.fireSchedule(fire, now: now)
            report(result, schedule: schedule, plan: plan)
            results[schedule.name] = result
        }
        return results
    }

    private func report(_ result: ScheduleFireResult, schedule: Schedule, plan: FirePlan) {
        let metadata: Logger.Metadata = ["schedule": "\(schedule.name)", "fire_at": "\(plan.fireAt.formatted(.iso8601))"]
        switch result {
        case .fired(let job):
            logger.debug("schedule fired", metadata: metadata.merging(["job.id": "\(job.id)"]) { $1 })
            if let due = schedule.nextRunAt, due < plan.fireAt {
                logger.warning("schedule fires since its last run were coalesced into one", metadata: metadata.merging([
                    "first_due_at": "\(due.formatted(.iso8601))",
                ]) { $1 })
            }
            announceInserted(job)
        case .skipped:
            logger.info("schedule fire skipped: its previous run has not finished", metadata: metadata)
        case .missed:
            logger.warning("schedule fire missed: later than its misfire grace; skipped until the next fire", metadata: metadata.merging([
                "misfire_grace": "\(schedule.definition.misfireGrace)",
                "next_run_at": "\(plan.nextRunAt.map { $0.formatted(.iso8601) } ?? "none")",
            ]) { $1 })
        case .lost:
            break
        }
    }

    /// Whether this node fires schedules of `kind`: it runs the kind, or the kind is declared
    /// (by a node that runs it, or by a worker process: no Swift worker runs such a kind
    /// anywhere). Every node that fires resolves the same options; the store lets one of them
    /// win each fire.
    private func firesHere(_ kind: String, known: inout KnownKinds) async throws -> Bool {
        if workers.withLock({ $0[kind] != nil }) { return true }
        return try await known.declaration(of: kind, in: store) != nil
    }

    /// The job of one fire, as an enqueue by the kind's name would make it (the worker's
    /// options, or the declared ones with the backoff and timeout a worker process's jobs
    /// carry), with the definition's options over them, the schedule and fire time in its
    /// meta, and a unique key that outlives the job's states.
    func scheduleJob(_ definition: ScheduleDefinition, key: String, fireAt: Date, known: inout KnownKinds) async throws -> JobInsert {
        var options = EnqueueOptions(queue: definition.queue, priority: definition.priority, maxAttempts: definition.maxAttempts)
        options.meta = ["schedule": .string(definition.name), "fire_at": .string(fireAt.formatted(.iso8601))]
        options.unique = UniqueOptions(by: .key(key), states: Set(JobState.allCases))
        return try await prepare(kind: definition.kind, args: definition.args.value, options: options, checkingArgs: false, known: &known)
    }

    /// Sends `inserted` before waking this node's producers, as ``enqueue(_:)`` does.
    func announceInserted(_ job: Job) {
        if wantsEvents { emit(JobEvent(.inserted, job, at: job.insertedAt)) }
        if job.state == .available { wake(queue: job.queue) }
    }

    /// Stores the schedules of ``ConveyorConfiguration/schedules``, once per instance: new ones
    /// are created, changed ones updated (their history and active flag stay). Code is the
    /// source of truth: a run-time edit of a declared schedule lasts until a node starts.
    package func declareConfiguredSchedules() async throws {
        guard !schedulesDeclared.load(ordering: .relaxed) else { return }
        let now = clock.now()
        for definition in configuration.schedules + rowLoopSchedules.withLock({ $0 }) {
            try definition.validate()
            let next = definition.recurrence.nextFire(after: now, in: definition.zone)
            guard let existing = try await store.schedule(named: definition.name) else {
                do {
                    _ = try await store.createSchedule(definition, active: true, nextRunAt: next, now: now)
                } catch let error as ConveyorError where error.code == .conflict {
                    // Another node declared it first.
                }
                continue
            }
            guard existing.definition != definition else { continue }
            let keepNext = existing.definition.recurrence == definition.recurrence && existing.definition.timeZone == definition.timeZone
            _ = try await store.updateSchedule(definition, nextRunAt: keepNext ? existing.nextRunAt : next, now: now)
        }
        schedulesDeclared.store(true, ordering: .relaxed)
    }
}
