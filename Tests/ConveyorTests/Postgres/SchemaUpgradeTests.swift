import Conveyor
import ConveyorPostgres
import Foundation
import PostgresNIO
import Testing

/// A database an earlier version made keeps working when migration 4 narrows the claim index
/// to unfinished jobs: jobs in every state are claimed, staged, rescued and listed as before.
@Suite("PostgreSQL: upgrading a schema with jobs in it", .enabled(if: TestPostgres.url != nil))
struct SchemaUpgradeTests {
    @Test(.timeLimit(.minutes(1)))
    func jobsInEveryStateWorkAfterTheClaimIndexIsNarrowed() async throws {
        let schema = "t_\(UInt64.random(in: 0 ... .max))"
        let store = try TestPostgres.store(schema: schema)
        try await store.migrate()
        let inserted = try await store.insert((0..<4).map { _ in .test() } + [.test(scheduledAt: epoch.addingTimeInterval(60))], now: epoch)
        let claimed = try await store.claim(queue: "default", limit: 2, node: "gone", now: epoch)
        #expect(claimed.count == 2)
        let finished = JobAttempt(jobID: claimed[0].id, attempt: claimed[0].attempt, node: "gone")
        #expect(try await store.acknowledge([JobAck(finished, .completed(result: nil))], now: epoch).applied == [claimed[0].id])

        func rows(_ sql: String) async throws -> [PostgresRow] {
            try await store.client.withConnection { try await $0.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).collect() }
        }
        // Back to version 3, whose claim index held every job.
        _ = try await rows("DROP INDEX \(schema).jobs_fetch")
        _ = try await rows("CREATE INDEX jobs_fetch ON \(schema).jobs (state, queue, priority, scheduled_at, id)")
        _ = try await rows("DELETE FROM \(schema).migrations WHERE version = 4")
        try await store.migrate()

        let definition = try await rows("SELECT indexdef FROM pg_indexes WHERE schemaname = '\(schema)' AND indexname = 'jobs_fetch'")
            .first?.decode(String.self)
        #expect(definition?.contains("WHERE") == true, "\(definition ?? "no index")")
        #expect(definition?.contains("completed") == false, "\(definition ?? "no index")")

        let open = try await store.claim(queue: "default", limit: 10, node: "n", now: epoch)
        #expect(Set(open.map(\.id)) == Set(inserted[2..<4].map(\.job.id)))
        #expect(try await store.stage(now: epoch.addingTimeInterval(120), limit: 10) == ["default"])
        #expect(try await store.rescue(heartbeatBefore: epoch.addingTimeInterval(1), now: epoch.addingTimeInterval(1)) == 3)
        #expect(try await store.jobs(matching: JobFilter(states: [.completed])).map(\.id) == [claimed[0].id])
        #expect(try await store.jobs(matching: JobFilter(states: [.available])).count == 4)
    }
}
