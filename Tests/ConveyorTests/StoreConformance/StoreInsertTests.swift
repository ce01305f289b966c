import Conveyor
import Foundation
import Testing

@Suite("Store: insert and read")
struct StoreInsertTests {
    @Test(arguments: StoreKind.allCases)
    func insertedJobReadsBackWithEveryField(kind: StoreKind) async throws {
        let store = try await kind.make()
        let insert = JobInsert(kind: "mail.send", queue: "mail", args: RawJSON(.object(["to": .string("ädá@example.com"), "n": .number(3)])),
                               priority: 4, maxAttempts: 7, tags: ["a", "b \"quoted\", {braced}", "back\\slash", ""],
                               meta: RawJSON(.object(["trace": .string("x")])))
        let result = try await store.insert([insert], now: epoch)[0]
        #expect(!result.isDuplicate)
        let job = try #require(try await store.job(id: result.job.id))
        #expect(job == result.job)
        #expect(job.kind == "mail.send")
        #expect(job.queue == "mail")
        #expect(job.state == .available)
        #expect(job.priority == 4)
        #expect(job.maxAttempts == 7)
        #expect(job.attempt == 0)
        #expect(job.args.value == .object(["to": .string("ädá@example.com"), "n": .number(3)]))
        #expect(job.meta.value["trace"] == .string("x"))
        #expect(job.tags == ["a", "b \"quoted\", {braced}", "back\\slash", ""])
        #expect(job.insertedAt == epoch)
        #expect(job.scheduledAt == epoch)
        #expect(job.errors.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func futureJobsAreScheduled(kind: StoreKind) async throws {
        let store = try await kind.make()
        let job = try await store.insert([.test(scheduledAt: epoch.addingTimeInterval(60))], now: epoch)[0].job
        #expect(job.state == .scheduled)
        #expect(try await store.claim(queue: "default", limit: 10, node: "n", now: epoch).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func bulkInsertKeepsOrderAndIsAtomic(kind: StoreKind) async throws {
        let store = try await kind.make()
        let results = try await store.insert((0..<500).map { .test(args: .object(["n": .number(Double($0))])) }, now: epoch)
        #expect(results.map { $0.job.args.value["n"] } == (0..<500).map { JSONValue.number(Double($0)) })
        // A row the database refuses (priority out of range) rolls back the whole batch.
        var bad = JobInsert.test()
        bad.priority = 42
        await #expect(throws: (any Error).self) { try await store.insert([.test(), bad], now: epoch) }
        #expect(try await store.jobs(matching: JobFilter(limit: 1000)).count == 500)
    }

    @Test(arguments: StoreKind.allCases)
    func filtersAndCursorPaging(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert((0..<30).map { index in
            .test(index % 2 == 0 ? "even" : "odd", queue: index < 10 ? "q1" : "q2", tags: index % 3 == 0 ? ["third"] : [])
        }, now: epoch)
        #expect(try await store.jobs(matching: JobFilter(kinds: ["even"])).count == 15)
        #expect(try await store.jobs(matching: JobFilter(queues: ["q1"])).count == 10)
        #expect(try await store.jobs(matching: JobFilter(tag: "third")).count == 10)
        #expect(try await store.jobs(matching: JobFilter(states: [.completed])).isEmpty)
        let first = try await store.jobs(matching: JobFilter(limit: 12))
        let second = try await store.jobs(matching: JobFilter(beforeID: first.last?.id, limit: 12))
        let third = try await store.jobs(matching: JobFilter(beforeID: second.last?.id, limit: 12))
        let ids = (first + second + third).map(\.id)
        #expect(ids.count == 30)
        #expect(Set(ids).count == 30)
        #expect(ids == ids.sorted(by: >))
    }
}
