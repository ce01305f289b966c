import Conveyor
import Foundation
import Testing

@Suite("Schedules listed by filter, a page at a time")
struct ScheduleListingTests {
    @Test(arguments: StoreKind.allCases)
    func filtersByActiveAndKindAndPagesByName(kind: StoreKind) async throws {
        let conveyor = try await makeConveyor(store: try await kind.make())
        for (name, jobKind, active) in [("a-report", "report.send", true), ("b-sync", "crm.sync", true), ("c-report", "report.send", false),
                                        ("d-sync", "crm.sync", false), ("e-report", "report.send", true)] {
            // Kinds no node runs: accepted because the definitions name their queue.
            try await conveyor.addSchedule(ScheduleDefinition(name: name, kind: jobKind, recurrence: .daily(hour: 6), queue: "reports"), active: active)
        }
        #expect(try await conveyor.schedules(matching: ScheduleFilter(active: true)).map(\.name) == ["a-report", "b-sync", "e-report"])
        #expect(try await conveyor.schedules(matching: ScheduleFilter(kind: "report.send")).map(\.name) == ["a-report", "c-report", "e-report"])
        #expect(try await conveyor.schedules(matching: ScheduleFilter(active: false, kind: "crm.sync")).map(\.name) == ["d-sync"])
        let first = try await conveyor.schedules(matching: ScheduleFilter(limit: 2))
        let second = try await conveyor.schedules(matching: ScheduleFilter(afterName: first.last?.name, limit: 2))
        let third = try await conveyor.schedules(matching: ScheduleFilter(afterName: second.last?.name, limit: 2))
        #expect((first + second + third).map(\.name) == ["a-report", "b-sync", "c-report", "d-sync", "e-report"])
        #expect(try await conveyor.schedules().count == 5)
        await #expect { try await conveyor.schedules(matching: ScheduleFilter(limit: 0)) } throws: { ($0 as? ConveyorError)?.field == "limit" }
        await #expect { try await conveyor.schedules(matching: ScheduleFilter(kind: "no such")) } throws: { ($0 as? ConveyorError)?.field == "kind" }
    }
}
