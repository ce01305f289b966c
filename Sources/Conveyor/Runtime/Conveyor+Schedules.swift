import Foundation
import Synchronization

/// Schedules managed at run time. Changes reach every node at its next scheduler pass (every
/// second by default), without a restart.
extension Conveyor {
    /// Stores a new schedule; its first fire is the recurrence's next after now.
    ///
    /// - Throws: ``ConveyorError``: `invalidInput` naming the field at fault, `unknownKind` if
    ///   no node has declared the kind and the definition names no queue, `conflict` if the
    ///   name is taken. Nothing is stored then.
    @discardableResult
    public func addSchedule(_ definition: ScheduleDefinition, active: Bool = true) async throws -> Schedule {
        try await validate(definition)
        let next = active ? definition.recurrence.nextFire(after: clock.now(), in: definition.zone) : nil
        return try await store.createSchedule(definition, active: active, nextRunAt: next, now: clock.now())
    }

    /// Replaces a schedule's definition, keeping its history. Its next fire is recomputed when
    /// the recurrence or the zone changed.
    ///
    /// - Throws: ``ConveyorError``: as ``addSchedule(_:active:)``, or `notFound`.
    @discardableResult
    public func updateSchedule(_ definition: ScheduleDefinition) async throws -> Schedule {
        try await validate(definition)
        let existing = try await schedule(named: definition.name)
        let sameTiming = existing.definition.recurrence == definition.recurrence && existing.definition.timeZone == definition.timeZone
        let next = !existing.active ? nil : sameTiming ? existing.nextRunAt : definition.recurrence.nextFire(after: clock.now(), in: definition.zone)
        return try await store.updateSchedule(definition, nextRunAt: next, now: clock.now())
    }

    /// Every schedule, by name, read a page at a time.
    public func schedules() async throws -> [Schedule] {
        var all: [Schedule] = []
        var page = ScheduleFilter(limit: 1_000)
        while true {
            let schedules = try await store.schedules(matching: page)
            all += schedules
            guard schedules.count == page.limit, let last = schedules.last else { return all }
            page.afterName = last.name
        }
    }

    /// The schedules `filter` selects, by name: a page, continued with ``ScheduleFilter/afterName``.
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the bad field of `filter`.
    public func schedules(matching filter: ScheduleFilter) async throws -> [Schedule] {
        try filter.validate()
        return try await store.schedules(matching: filter)
    }

    /// The schedule named `name`, with its state.
    ///
    /// - Throws: ``ConveyorError`` `notFound` if there is no schedule by that name.
    public func schedule(named name: String) async throws -> Schedule {
        try JobInsert.validateName(name, field: "name")
        guard let schedule = try await store.schedule(named: name) else { throw ConveyorError.scheduleNotFound(name) }
        return schedule
    }

    /// Deletes a schedule; jobs it already inserted stay.
    public func deleteSchedule(named name: String) async throws {
        try JobInsert.validateName(name, field: "name")
        try await store.deleteSchedule(named: name)
    }

    /// Makes a schedule fire again from its next fire after now, with its failure count reset.
    @discardableResult
    public func activateSchedule(named name: String) async throws -> Schedule {
        let schedule = try await schedule(named: name)
        let next = schedule.definition.recurrence.nextFire(after: clock.now(), in: schedule.definition.zone)
        return try await store.setScheduleActive(true, name: name, nextRunAt: next, reason: nil, now: clock.now())
    }

    /// Stops a schedule firing (it can still be triggered).
    @discardableResult
    public func deactivateSchedule(named name: String) async throws -> Schedule {
        try JobInsert.validateName(name, field: "name")
        return try await store.setScheduleActive(false, name: name, nextRunAt: nil, reason: nil, now: clock.now())
    }

    /// Inserts the schedule's job now, whatever its recurrence and active flag; its next
    /// regular fire stays as it was.
    ///
    /// - Throws: ``ConveyorError`` `notFound` if there is no schedule by that name.
    @discardableResult
    public func triggerSchedule(named name: String) async throws -> Job {
        let schedule = try await schedule(named: name)
        let now = clock.now()
        var known = KnownKinds()
        let job = try await scheduleJob(schedule.definition, key: ScheduleKey.trigger(name, at: now), fireAt: now, known: &known)
        let fire = ScheduleFire(name: name, expectedNextRunAt: nil, nextRunAt: nil, fireAt: now, job: job, skipWhileRunning: false)
        guard case .fired(let inserted) = try await store.fireSchedule(fire, now: now) else { throw ConveyorError.scheduleNotFound(name) }
        announceInserted(inserted)
        return inserted
    }

    private func validate(_ definition: ScheduleDefinition) async throws {
        try definition.validate()
        var known = KnownKinds()
        _ = try await defaults(forKind: definition.kind, args: definition.args, queueNamed: definition.queue != nil, known: &known)
    }
}
