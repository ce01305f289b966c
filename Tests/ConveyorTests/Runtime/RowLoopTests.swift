import Conveyor
import ConveyorTesting
import Foundation
import Synchronization
import Testing

/// Counts how many times each row's function ran, and fails chosen rows a number of times.
final class RowCalls: Sendable {
    private let state = Mutex<(calls: [String: Int], failures: [String: Int])>(([:], [:]))

    init(failing: [String: Int] = [:]) { state.withLock { $0.failures = failing } }

    func run(_ id: String) throws {
        let fail = state.withLock { state -> Bool in
            state.calls[id, default: 0] += 1
            guard let left = state.failures[id], left > 0 else { return false }
            state.failures[id] = left - 1
            return true
        }
        if fail { throw TestFailure(description: "HubSpot answered 502 for contact \(id)") }
    }

    var calls: [String: Int] { state.withLock { $0.calls } }
}

@Suite("Row loops over the application's own table")
struct RowLoopTests {
    func loop(_ table: AppTable, batchSize: Int = 10, disabledBecause: String? = nil) -> RowLoop {
        RowLoop(
            name: "crm-sync", table: table.name,
            columns: .init(status: "crm_status", error: "crm_error", retryCount: "retry_count", nextRetryAt: "next_retry_at"),
            statuses: .init(queued: "Queued", processing: "Processing", complete: "Complete", error: "Error"),
            orderBy: "updated_at", batchSize: batchSize, maxRetries: 2, backoff: .fixed(.seconds(1_200)), every: .seconds(300),
            disabledBecause: disabledBecause)
    }

    /// A time as either store writes it as text: ISO 8601 (SQLite) or `2026-12-06 08:00:00+00` (PostgreSQL).
    static func time(_ text: String) -> Date? {
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if iso.hasSuffix("+00") { iso = String(iso.dropLast(3)) + "Z" }
        return (try? Date(iso, strategy: .iso8601)) ?? (try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    /// A store of `kind` with a contacts table of `rows` queued rows, and a node on it.
    func fixture(_ kind: StoreKind, rows: Int, clock: ManualClock = ManualClock()) async throws -> (any JobStore, AppTable, Conveyor) {
        let store = try await kind.make()
        let table = AppTable(store)
        try await table.createContacts(count: rows)
        return (store, table, try await makeConveyor(clock: clock, store: store))
    }

    func statuses(_ table: AppTable) async throws -> [String: Int] {
        let rows = try await table.rows("SELECT crm_status, CAST(count(*) AS TEXT) FROM \(table.name) GROUP BY crm_status")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", Int($0[1] ?? "") ?? -1) })
    }

    /// Fires the loop's schedule `minutes` from now and runs the pass it inserts; answers the rows it took.
    func pass(_ conveyor: Conveyor, _ clock: ManualClock, after minutes: Int) async throws -> Int {
        clock.advance(by: .seconds(60 * minutes))
        _ = try await conveyor.fireDueSchedules()
        let ran = try await conveyor.drain()
        #expect(ran.count == 1 && ran.first?.state == .completed, "\(ran.map(\.errors))")
        if case .object(let result)? = ran.first?.result, case .number(let rows)? = result["rows"] { return Int(rows) }
        return -1
    }

    @Test(arguments: StoreKind.allCases)
    func passesTakeABatchEachAndRetryFailedRowsAfterTheirBackoff(kind: StoreKind) async throws {
        let clock = ManualClock()
        let (_, table, conveyor) = try await fixture(kind, rows: 25, clock: clock)
        let calls = RowCalls(failing: ["7": 1])
        try await conveyor.register(loop(table)) { try calls.run($0) }
        try await conveyor.declareConfiguredSchedules()

        #expect(try await pass(conveyor, clock, after: 5) == 10)
        let failed = try #require(try await table.rows(
            "SELECT crm_status, crm_error, CAST(retry_count AS TEXT), CAST(next_retry_at AS TEXT) FROM \(table.name) WHERE id = 7").first)
        #expect(failed[0] == "Queued" && failed[1]?.contains("502") == true && failed[2] == "1")
        let retryAt = try #require(failed[3].flatMap(Self.time))
        #expect(abs(retryAt.timeIntervalSince(clock.now()) - 1_200) < 1, "next_retry_at is the failure time plus the backoff")
        #expect(try await statuses(table) == ["Complete": 9, "Queued": 16])

        #expect(try await pass(conveyor, clock, after: 5) == 10)
        #expect(try await pass(conveyor, clock, after: 5) == 5, "row 7 waits for its backoff")
        #expect(try await statuses(table) == ["Complete": 24, "Queued": 1])
        #expect(try await pass(conveyor, clock, after: 5) == 0)
        #expect(try await pass(conveyor, clock, after: 5) == 1, "20 minutes after it failed")
        #expect(try await statuses(table) == ["Complete": 25])
        let done = try #require(try await table.rows("SELECT crm_error, CAST(retry_count AS TEXT), next_retry_at FROM \(table.name) WHERE id = 7").first)
        #expect(done == [nil, "1", nil])
        #expect(calls.calls.values.reduce(0, +) == 26 && calls.calls["7"] == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func aRowThatKeepsFailingEndsInErrorAfterMaxRetries(kind: StoreKind) async throws {
        let clock = ManualClock()
        let (_, table, conveyor) = try await fixture(kind, rows: 1, clock: clock)
        try await conveyor.register(loop(table)) { _ in throw TestFailure(description: "always") }
        try await conveyor.declareConfiguredSchedules()
        for _ in 0..<3 { #expect(try await pass(conveyor, clock, after: 20) == 1) }
        let row = try #require(try await table.rows("SELECT crm_status, CAST(retry_count AS TEXT), next_retry_at FROM \(table.name)").first)
        #expect(row == ["Error", "3", nil])
        #expect(try await pass(conveyor, clock, after: 20) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func passesOnTwoNodesAtOnceNeverTakeARowTwice(kind: StoreKind) async throws {
        let store = try await kind.make()
        let table = AppTable(store)
        try await table.createContacts(count: 300)
        let calls = RowCalls()
        let nodes = [try await makeConveyor(store: store), try await makeConveyor(store: try await kind.reopen(store))]
        for node in nodes { try await node.register(loop(table, batchSize: 7)) { try calls.run($0) } }
        // Passes inserted by hand, two at a time: the schedule would never run two at once.
        while try await statuses(table)["Queued", default: 0] > 0 {
            _ = try await nodes[0].enqueue([JobInsert(kind: loop(table).kind), JobInsert(kind: loop(table).kind)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in nodes { group.addTask { _ = try await node.drain(limit: 1) } }
                try await group.waitForAll()
            }
        }
        #expect(calls.calls.count == 300)
        #expect(calls.calls.values.allSatisfy { $0 == 1 })
        #expect(try await statuses(table) == ["Complete": 300])
    }

    @Test(arguments: StoreKind.allCases)
    func rowsAStoppedPassLeftProcessingAreTakenAgain(kind: StoreKind) async throws {
        let clock = ManualClock()
        let (store, table, conveyor) = try await fixture(kind, rows: 5, clock: clock)
        let calls = RowCalls()
        let rowLoop = loop(table)
        try await conveyor.register(rowLoop) { try calls.run($0) }
        // A pass that took the rows on a node that then died: its job still executing there.
        _ = try await store.insert([JobInsert(kind: rowLoop.kind)], now: clock.now())
        _ = try await store.claim(queue: "default", limit: 1, node: "dead-node", now: clock.now())
        #expect(try await store.claimRows(rowLoop, now: clock.now()).count == 5)
        #expect(try await store.requeueProcessingRows(rowLoop, passID: 0) == 0, "a running pass keeps its rows")
        #expect(try await statuses(table) == ["Processing": 5])

        clock.advance(by: .seconds(60))
        #expect(try await store.rescue(heartbeatBefore: clock.now(), now: clock.now()) == 1)
        _ = try await conveyor.drain()
        #expect(try await statuses(table) == ["Complete": 5])
        #expect(calls.calls.count == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func badLoopsAreRefusedNamingTheField(kind: StoreKind) async throws {
        let (_, table, conveyor) = try await fixture(kind, rows: 0)
        func refusal(_ change: (inout RowLoop) -> Void) async -> String? {
            var bad = loop(table)
            change(&bad)
            do { try await conveyor.register(bad) { _ in } } catch let error as ConveyorError { return error.field } catch { return "\(error)" }
            return nil
        }
        #expect(await refusal { $0.columns.status = "no_such_column" } == "columns.status")
        #expect(await refusal { $0.columns.error = "crm_error; DROP TABLE contacts" } == "columns.error")
        #expect(await refusal { $0.table = "contacts--" } == "table")
        #expect(await refusal { $0.table = kind == .postgres ? "\(table.name)_missing" : "missing" } == "table")
        #expect(await refusal { $0.batchSize = 0 } == "batchSize")
        #expect(await refusal { $0.filters = [RowLoop.Filter(column: "nope", equals: "x")] } == "filters[0].column")
        #expect(await refusal { $0.statuses.complete = "Queued" } == "statuses")
        #expect(conveyor.registeredKinds.isEmpty)

        try await conveyor.register(loop(table, disabledBecause: "HUBSPOT_API_KEY is not set")) { _ in }
        #expect(conveyor.registeredKinds.isEmpty)
        try await conveyor.declareConfiguredSchedules()
        #expect(try await conveyor.schedules().isEmpty)
    }
}
