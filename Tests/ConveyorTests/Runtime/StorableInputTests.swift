import Conveyor
import ConveyorTesting
import Foundation
import Testing

/// What a store cannot hold is refused where it enters, the same on both stores, and what the
/// runtime computes itself is held to what a store can hold: nothing traps, nothing is half-written.
@Suite("Runtime: instants and text a store can hold")
struct StorableInputTests {
    static let farFuture = Date(timeIntervalSince1970: 9_400_000_000_000)  // the year 300,000

    @Test(arguments: StoreKind.allCases)
    func farFutureInstantsAreRefusedNamingTheField(kind: StoreKind) async throws {
        let conveyor = try await makeConveyor(store: try await kind.make())
        conveyor.register(ScriptedWorker())
        let instants = [Self.farFuture, Date(timeIntervalSince1970: 253_402_300_800), Date(timeIntervalSince1970: -1),
                        Date(timeIntervalSince1970: .infinity), Date(timeIntervalSince1970: .nan)]
        for instant in instants {
            await #expect(performing: { try await conveyor.enqueue(ScriptedWorker.self, args: .init(), at: instant) },
                          throws: { ($0 as? ConveyorError)?.field == "scheduledAt" })
            await #expect(performing: { try await conveyor.jobs(matching: JobFilter(insertedAfter: instant)) },
                          throws: { ($0 as? ConveyorError)?.field == "insertedAfter" })
            await #expect(performing: { try await conveyor.jobs(matching: JobFilter(insertedBefore: instant)) },
                          throws: { ($0 as? ConveyorError)?.field == "insertedBefore" })
        }
        let last = try await conveyor.enqueue(ScriptedWorker.self, args: .init(), at: InstantRange.latest).job
        #expect(last.scheduledAt == InstantRange.latest)
        #expect(try await conveyor.job(id: last.id).scheduledAt == InstantRange.latest)
        #expect(try await conveyor.jobs().count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aStoreHandedAFarFutureTimeHoldsItToTheRangeInsteadOfTrapping(kind: StoreKind) async throws {
        let store = try await kind.make()
        let inserted = try await store.insert([.test(scheduledAt: Self.farFuture)], now: epoch)[0].job
        #expect(try await store.job(id: inserted.id)?.scheduledAt == InstantRange.latest)
        #expect(try await store.rescue(heartbeatBefore: Self.farFuture, now: Self.farFuture) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func retriesAndSnoozesBeyondTheRangeWaitAtItsEnd(kind: StoreKind) async throws {
        let conveyor = try await makeConveyor(store: try await kind.make())
        conveyor.register(ScriptedWorker { args, _ in
            if args.step == 0 { throw JobControl.snooze(for: .seconds(Int64.max)) }
            throw TestFailure(description: "fails")
        })
        let snoozed = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 0)).job
        try await conveyor.drain()
        #expect(try await conveyor.job(id: snoozed.id).scheduledAt == InstantRange.latest)

        struct CenturiesWorker: JobWorker {
            struct Args: Codable, Sendable {}
            static let kind = "test.centuries"
            static let options = JobOptions(backoff: .custom { _ in .seconds(Int64.max) })
            func perform(_ args: Args, context: JobContext) async throws { throw TestFailure(description: "fails") }
        }
        conveyor.register(CenturiesWorker())
        let failed = try await conveyor.enqueue(CenturiesWorker.self, args: .init()).job
        try await conveyor.drain()
        let stored = try await conveyor.job(id: failed.id)
        #expect(stored.state == .retryable)
        #expect(stored.scheduledAt > Date(timeIntervalSince1970: 4_000_000_000) && stored.scheduledAt <= InstantRange.latest)
    }

    @Test(arguments: StoreKind.allCases)
    func nulIsRefusedWhereItEntersAndReplacedInWhatWorkersReport(kind: StoreKind) async throws {
        let conveyor = try await makeConveyor(store: try await kind.make())
        conveyor.register(ScriptedWorker { _, context in
            try await context.progress(0.5, "half\0way")
            #expect(throws: ConveyorError.self) { try context.setResult(["text": "a\0b"]) }
            throw TestFailure(description: "broke at byte \0 here")
        })
        let refusals: [(String, EnqueueOptions)] = [
            ("tags", EnqueueOptions(tags: ["a\0b"])),
            ("meta", EnqueueOptions(meta: ["note": .string("a\0b")])),
        ]
        for (field, options) in refusals {
            await #expect(performing: { try await conveyor.enqueue(ScriptedWorker.self, args: .init(), options: options) },
                          throws: { ($0 as? ConveyorError)?.field == field })
        }
        await #expect(performing: { try await conveyor.enqueue(kind: ScriptedWorker.kind, args: .object(["step": .number(0), "text": .string("\0")])) },
                      throws: { ($0 as? ConveyorError)?.field == "args" })
        await #expect(performing: { try await conveyor.jobs(matching: JobFilter(tags: ["\0"])) },
                      throws: { ($0 as? ConveyorError)?.field == "tag" })
        await #expect(performing: { try await conveyor.jobs(matching: JobFilter(kinds: ["a\0"])) },
                      throws: { ($0 as? ConveyorError)?.field == "kind" })
        let schedule = ScheduleDefinition(name: "s", kind: ScriptedWorker.kind, args: RawJSON(.object(["a": .string("\0")])), recurrence: .daily(hour: 8))
        await #expect(performing: { try await conveyor.addSchedule(schedule) }, throws: { ($0 as? ConveyorError)?.field == "args" })
        #expect(try await conveyor.jobs().isEmpty)

        // An escaped backslash before "u0000" is plain text, and is stored.
        let plain = try await conveyor.enqueue(kind: ScriptedWorker.kind, args: .object(["step": .number(0), "text": .string("\\u0000")])).job
        await #expect(performing: { try await conveyor.cancel(id: plain.id, reason: "no\0") }, throws: { ($0 as? ConveyorError)?.field == "reason" })
        try await conveyor.drain()
        let stored = try await conveyor.job(id: plain.id)
        #expect(stored.state == .retryable)
        #expect(stored.errors.last?.message.contains("byte \u{FFFD} here") == true)
        #expect(stored.meta.value["progress_message"] == .string("half\u{FFFD}way"))
    }

    @Test func intervalsThatWouldSpinAreRefusedByName() async throws {
        let cases: [(String, (inout ConveyorConfiguration) -> Void)] = [
            ("pollInterval", { $0.pollInterval = .zero }),
            ("heartbeatInterval", { $0.heartbeatInterval = .milliseconds(1) }),
            ("maintenanceInterval", { $0.maintenanceInterval = .zero }),
            ("schedulerInterval", { $0.schedulerInterval = .zero }),
            ("pruneInterval", { $0.pruneInterval = .milliseconds(10) }),
            ("shutdownGracePeriod", { $0.shutdownGracePeriod = .seconds(-1) }),
            ("rescueAfter", { $0.rescueAfter = .seconds(200_000) }),
            ("retention.completed", { $0.retention.completed = .seconds(1_000_000_000_000) }),
            ("retention.keepLast", { $0.retention.keepLast = -1 }),
        ]
        for (field, change) in cases {
            await #expect(performing: { try await makeConveyor(configure: change) },
                          throws: { ($0 as? ConveyorError)?.field == field })
        }
    }
}
